-- Inter-MNO twinning (HLF-IC-*): relationships whose other side is served by a partner MNO.

-- Which activation request of the partner made this relationship On: undoing a failed activation ends
-- only the relationship that request created, never a later one.
ALTER TABLE twinning ADD COLUMN peer_activation_id VARCHAR(64);
-- HLF-IC-006: where the primary's services are reached (service name -> URL), sent by the primary's MNO.
ALTER TABLE twinning ADD COLUMN primary_endpoints TEXT;

-- The partner MNO a change came from ("310-410"); NULL when a device of ours made it. Changes that came
-- from a partner are notified locally and never sent back.
ALTER TABLE twinning_event ADD COLUMN origin_mno VARCHAR(7);

-- Messages for partner MNOs share the notification outbox: their queue is "peer:MCC-MNC:<twinning id>"
-- (ordered per relationship) and their target "peer:MCC-MNC".
ALTER TABLE notification ALTER COLUMN subscription_id TYPE VARCHAR(80);
