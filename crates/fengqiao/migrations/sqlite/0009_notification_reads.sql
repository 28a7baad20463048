-- Read state of notifications (通知已读). A notification is addressed to a region's office
-- (notifications.recipient_region), where several officers may work: each officer's account
-- marks it read for itself, so one officer reading it does not hide it from the others.
-- Kept column-for-column in step with the other backend's 0009.

CREATE TABLE notification_reads (
    notification_id  BLOB NOT NULL REFERENCES notifications (id),
    user_id          BLOB NOT NULL REFERENCES users (id),
    read_at          TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
