-- 0018: the message each announcement, reminder and start notice was posted as. A notice claimed
-- 'sent' without its message is one a stopped run claimed and may not have posted: the next start
-- finds it in the channel, or posts it while it still matters. Those sent before are done (0).
ALTER TABLE announcements ADD COLUMN message_id INTEGER;
UPDATE announcements SET message_id = 0 WHERE state = 'sent';
ALTER TABLE watch_parties ADD COLUMN reminder_message_id INTEGER;
UPDATE watch_parties SET reminder_message_id = 0 WHERE reminder = 'sent';
ALTER TABLE watch_parties ADD COLUMN start_notice_message_id INTEGER;
UPDATE watch_parties SET start_notice_message_id = 0 WHERE start_notice = 'sent';
