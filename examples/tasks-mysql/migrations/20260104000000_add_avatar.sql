-- An avatar per contact: the image bytes and a small thumbnail, after the email column.
ALTER TABLE contacts
    ADD COLUMN avatar BLOB AFTER email,
    ADD COLUMN avatar_thumb VARBINARY(2048) AFTER avatar;
