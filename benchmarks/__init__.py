"""`make bench`: each workload timed beside a measured limit on the same machine and database."""
