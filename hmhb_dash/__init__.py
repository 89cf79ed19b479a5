"""MMS Adoption Tracker: where countries stand in moving pregnant women from IFA to MMS."""
