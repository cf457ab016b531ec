-- Flyway callback, run after every successful migrate: the last step. Tasks are created (and,
-- when a migration changes one, re-created) suspended; they start only here, once the stream,
-- the tables and the views they use are all in place. Resuming a started task changes nothing.
ALTER TASK IF EXISTS MERGE_SALES_DAILY_METRICS RESUME;
