-- Alert runs and calendar changes look cases up by calendar.
CREATE INDEX cases_calendar ON cases (calendar);
