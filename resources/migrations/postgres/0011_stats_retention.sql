-- Vestnik schema 11 (PostgreSQL): the statistics' minutes by age, for retention (stats.retention_days): the worker finds
-- the oldest minute and deletes the minutes past retention through this index instead of reading the whole table.
CREATE INDEX delivery_stats_by_minute ON delivery_stats_minute (minute_start);
