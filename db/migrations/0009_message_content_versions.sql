ALTER TABLE "mail_messages" ADD COLUMN "sanitizer_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD COLUMN "tokenizer_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "mail_messages_folder_versions_idx" ON "mail_messages" USING btree ("folder_id","sanitizer_version","tokenizer_version","uid");