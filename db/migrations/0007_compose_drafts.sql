CREATE TYPE "public"."mail_draft_kind" AS ENUM('new', 'reply', 'reply_all', 'forward');--> statement-breakpoint
CREATE TYPE "public"."mail_draft_state" AS ENUM('draft', 'scheduled', 'sending', 'sent', 'failed', 'unknown');--> statement-breakpoint
CREATE TABLE "compose_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"undo_send_seconds" integer DEFAULT 5 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_draft_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"draft_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"kind" "mail_draft_kind" DEFAULT 'new' NOT NULL,
	"source_message_id" uuid,
	"in_reply_to" text,
	"references" text[] DEFAULT '{}'::text[] NOT NULL,
	"to_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cc_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"bcc_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"html" text DEFAULT '' NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"signature_applied" boolean DEFAULT false NOT NULL,
	"state" "mail_draft_state" DEFAULT 'draft' NOT NULL,
	"send_after" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" jsonb,
	"server_draft_folder" text,
	"server_draft_uid_validity" bigint,
	"server_draft_uid" bigint,
	"revision" integer DEFAULT 0 NOT NULL,
	"server_draft_revision" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_drafts_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
ALTER TABLE "compose_settings" ADD CONSTRAINT "compose_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_draft_attachments" ADD CONSTRAINT "mail_draft_attachments_draft_id_mail_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."mail_drafts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_drafts" ADD CONSTRAINT "mail_drafts_account_id_mail_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."mail_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_drafts" ADD CONSTRAINT "mail_drafts_source_message_id_mail_messages_id_fk" FOREIGN KEY ("source_message_id") REFERENCES "public"."mail_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_draft_attachments_draft_idx" ON "mail_draft_attachments" USING btree ("draft_id");--> statement-breakpoint
CREATE INDEX "mail_drafts_account_updated_idx" ON "mail_drafts" USING btree ("account_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "mail_drafts_due_idx" ON "mail_drafts" USING btree ("state","send_after");