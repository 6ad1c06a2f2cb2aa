"""Pages for surveys: instruments and administrations for managers, answering for everyone
asked, and results (always suppressed) for those who may read them."""
