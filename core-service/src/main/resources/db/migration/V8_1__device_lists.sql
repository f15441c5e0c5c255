-- Device lists and lines (dm-api.md sections 1, 3, 4): the line a device's token last proved (its
-- msisdn claim, E.164 "tel:+..."), recorded when the device starts a session. A device is Confirmed on
-- it (section 3: the network authenticated the SIM); a device without one is Unconfirmed. Filtered
-- device lists read the reported columns of dm_device directly, ordered by dev_id (its primary key).
ALTER TABLE dm_device ADD COLUMN line VARCHAR(20);

-- A tel: deviceRef names the device most recently seen on the line.
CREATE INDEX dm_device_by_line ON dm_device (line, last_seen) WHERE line IS NOT NULL;
