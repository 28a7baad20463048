-- Notifications (通知) become a platform service any module addresses: a notification has its
-- kind, the object it is about (the owning module's object type and the object's id, a topic
-- such as the review step), the region and roles — or the one account — it is for, a subject and
-- a note in both languages, and read state per account. The registry's overdue-step notices move
-- onto it unchanged for their readers (the officers of the region addressed).
-- Kept column-for-column in step with the other backend's 0013.

CREATE TABLE platform_notifications (
    id                 BLOB PRIMARY KEY,
    created_at         TEXT NOT NULL,
    kind               TEXT NOT NULL,
    object_kind        TEXT NOT NULL,
    object_id          BLOB NOT NULL,
    topic              TEXT NOT NULL DEFAULT '',
    recipient_region   TEXT NOT NULL REFERENCES regions (code),
    -- ' role role ' (spaces around each key): the roles of the region it is for; '' every role.
    recipient_roles    TEXT NOT NULL DEFAULT '',
    -- One account it is for (an applicant), or none: the region's roles.
    recipient_user_id  BLOB REFERENCES users (id),
    audience           TEXT NOT NULL DEFAULT '',
    subject            TEXT NOT NULL,
    link               TEXT NOT NULL DEFAULT '',
    note_zh            TEXT NOT NULL DEFAULT '',
    note_en            TEXT NOT NULL DEFAULT '',
    -- JSON object of what the kind adds (an overdue step: application, step, deadline).
    detail             TEXT NOT NULL DEFAULT '{}',
    -- kind:object:topic:recipient — a notice is written once per recipient.
    dedup_key          TEXT NOT NULL,
    CONSTRAINT notifications_dedup_key UNIQUE (dedup_key)
);

INSERT INTO platform_notifications (id, created_at, kind, object_kind, object_id, topic, recipient_region,
    recipient_roles, audience, subject, link, note_zh, note_en, detail, dedup_key)
SELECT n.id, n.created_at, n.kind, 'registry.application', n.application_id, n.step, n.recipient_region,
    ' street_officer county_officer city_officer province_officer ', n.audience, a.name,
    '/registry/applications/' || lower(substr(hex(a.id), 1, 8) || '-' || substr(hex(a.id), 9, 4) || '-' || substr(hex(a.id), 13, 4) || '-' || substr(hex(a.id), 17, 4) || '-' || substr(hex(a.id), 21, 12)),
    n.step || ' ' || n.deadline, n.step || ' ' || n.deadline,
    json_object('application_id', lower(substr(hex(a.id), 1, 8) || '-' || substr(hex(a.id), 9, 4) || '-' || substr(hex(a.id), 13, 4) || '-' || substr(hex(a.id), 17, 4) || '-' || substr(hex(a.id), 21, 12)), 'application_name', a.name, 'application_region', a.region_code, 'step', n.step, 'deadline', n.deadline),
    n.kind || ':' || lower(hex(n.application_id)) || ':' || n.step || ':' || n.recipient_region
FROM notifications n JOIN applications a ON a.id = n.application_id;

CREATE TABLE platform_notification_reads (
    notification_id  BLOB NOT NULL REFERENCES platform_notifications (id),
    user_id          BLOB NOT NULL REFERENCES users (id),
    read_at          TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
INSERT INTO platform_notification_reads (notification_id, user_id, read_at)
SELECT notification_id, user_id, read_at FROM notification_reads;

DROP TABLE notification_reads;
DROP TABLE notifications;
ALTER TABLE platform_notifications RENAME TO notifications;
ALTER TABLE platform_notification_reads RENAME TO notification_reads;
CREATE INDEX notifications_for_region ON notifications (recipient_region, created_at);
CREATE INDEX notifications_for_user ON notifications (recipient_user_id, created_at);
CREATE INDEX notifications_about ON notifications (object_id, topic);
