-- Self-care portal: which lines (devices) each subscriber owns. Provisioned by the operator (or, in
-- the embedded default run, seeded from TWIN_DEMO_SUBSCRIBERS). A line belongs to one subscriber.
CREATE TABLE subscriber_line (
    device_address  VARCHAR(300) NOT NULL PRIMARY KEY,
    subscriber_id   VARCHAR(200) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX subscriber_line_by_subscriber ON subscriber_line (subscriber_id, device_address);
