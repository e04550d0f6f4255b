-- The walking skeleton's counter is gone: the tasks page replaced it.
DROP TABLE clicks;
