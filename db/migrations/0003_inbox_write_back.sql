CREATE TYPE "public"."mail_operation_kind" AS ENUM('flags', 'move', 'delete');--> statement-breakpoint
CREATE TABLE "mail_pending_operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"message_id" uuid,
	"kind" "mail_operation_kind" NOT NULL,
	"folder_path" text NOT NULL,
	"uid_validity" bigint NOT NULL,
	"uid" bigint NOT NULL,
	"add_flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"remove_flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"destination_path" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"dropped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_trusted_senders" (
	"user_id" uuid NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_trusted_senders_user_id_address_pk" PRIMARY KEY("user_id","address")
);
--> statement-breakpoint
DROP INDEX "mail_messages_account_received_idx";--> statement-breakpoint
DROP INDEX "mail_messages_folder_received_idx";--> statement-breakpoint
ALTER TABLE "mail_folders" ADD COLUMN "unread_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_pending_operations" ADD CONSTRAINT "mail_pending_operations_account_id_mail_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."mail_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_pending_operations" ADD CONSTRAINT "mail_pending_operations_message_id_mail_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."mail_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_trusted_senders" ADD CONSTRAINT "mail_trusted_senders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_pending_operations_account_idx" ON "mail_pending_operations" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "mail_pending_operations_message_idx" ON "mail_pending_operations" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "mail_messages_folder_thread_idx" ON "mail_messages" USING btree ("folder_id","thread_id","received_at","id");--> statement-breakpoint
CREATE INDEX "mail_messages_account_received_idx" ON "mail_messages" USING btree ("account_id","received_at","id");--> statement-breakpoint
CREATE INDEX "mail_messages_folder_received_idx" ON "mail_messages" USING btree ("folder_id","received_at","id");