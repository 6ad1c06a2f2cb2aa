"""Ed-Fi-aligned export of a district's staff data (Data Standard 5.x ODS/API resources)."""
