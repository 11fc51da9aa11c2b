-- mail_folders.unread_count follows mail_messages: statement-level triggers with transition tables,
-- so an import batch of a hundred messages costs one UPDATE per folder it touches, not one per row.
-- A message is unread when its flags lack \Seen. Moves (folder_id changes) and flag changes are both
-- updates: the old rows' unread leave their folders and the new rows' unread arrive in theirs (an update
-- that changes neither nets to nothing; a trigger with transition tables cannot name columns).
CREATE FUNCTION mail_messages_unread_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mail_folders f SET unread_count = f.unread_count + d.n
  FROM (SELECT folder_id, count(*)::integer AS n FROM inserted_rows WHERE NOT ('\Seen' = ANY (flags)) GROUP BY folder_id) d
  WHERE f.id = d.folder_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION mail_messages_unread_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mail_folders f SET unread_count = greatest(0, f.unread_count - d.n)
  FROM (SELECT folder_id, count(*)::integer AS n FROM deleted_rows WHERE NOT ('\Seen' = ANY (flags)) GROUP BY folder_id) d
  WHERE f.id = d.folder_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION mail_messages_unread_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mail_folders f SET unread_count = greatest(0, f.unread_count + d.n)
  FROM (
    SELECT folder_id, sum(n)::integer AS n FROM (
      SELECT folder_id, 1 AS n FROM new_rows WHERE NOT ('\Seen' = ANY (flags))
      UNION ALL
      SELECT folder_id, -1 AS n FROM old_rows WHERE NOT ('\Seen' = ANY (flags))
    ) changes GROUP BY folder_id HAVING sum(n) <> 0
  ) d
  WHERE f.id = d.folder_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mail_messages_unread_insert AFTER INSERT ON mail_messages
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION mail_messages_unread_after_insert();
--> statement-breakpoint
CREATE TRIGGER mail_messages_unread_delete AFTER DELETE ON mail_messages
  REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION mail_messages_unread_after_delete();
--> statement-breakpoint
CREATE TRIGGER mail_messages_unread_update AFTER UPDATE ON mail_messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mail_messages_unread_after_update();
--> statement-breakpoint
UPDATE mail_folders f SET unread_count = (
  SELECT count(*) FROM mail_messages m WHERE m.folder_id = f.id AND NOT ('\Seen' = ANY (m.flags))
);
