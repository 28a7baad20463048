-- An objector's contact (任职前公示异议人的联系方式, a phone as a rule) is personal data: stored
-- sealed (ChaCha20-Poly1305 under the PII key, platform::pii) and masked (138****5678), like
-- identity numbers. Kept column-for-column in step with the other backend's 0011.
--
-- SQL cannot encrypt, so the plaintext column is renamed, not dropped: a server seals every
-- row still holding a legacy_contact when it starts (registry::store::seal_legacy_contacts)
-- and empties it in the same transaction. New rows never write it. Renamed rather than kept as
-- `contact`, so that nothing can read or write the plaintext by its old name.

ALTER TABLE objections RENAME COLUMN contact TO legacy_contact;
ALTER TABLE objections ADD COLUMN contact_sealed BLOB;
ALTER TABLE objections ADD COLUMN contact_masked TEXT NOT NULL DEFAULT '';
