CREATE TYPE "public"."email_client" AS ENUM('crm', 'mailto');--> statement-breakpoint
CREATE TYPE "public"."mail_account_status" AS ENUM('ok', 'auth_failed', 'error');--> statement-breakpoint
CREATE TYPE "public"."mail_settings_source" AS ENUM('builtin', 'autoconfig', 'well-known', 'srv', 'mx', 'guess', 'manual');--> statement-breakpoint
CREATE TYPE "public"."mail_tls" AS ENUM('implicit', 'starttls', 'none');--> statement-breakpoint
CREATE TABLE "mail_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"email_address" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"imap_host" text NOT NULL,
	"imap_port" integer NOT NULL,
	"imap_tls" "mail_tls" NOT NULL,
	"imap_username" text NOT NULL,
	"imap_password_encrypted" text NOT NULL,
	"smtp_host" text NOT NULL,
	"smtp_port" integer NOT NULL,
	"smtp_tls" "mail_tls" NOT NULL,
	"smtp_username" text NOT NULL,
	"smtp_password_encrypted" text NOT NULL,
	"settings_source" "mail_settings_source" NOT NULL,
	"status" "mail_account_status" DEFAULT 'ok' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_accounts_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "user_preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"email_client" "email_client",
	"show_remote_images" boolean DEFAULT false NOT NULL,
	"mark_as_read_in_preview" boolean DEFAULT false NOT NULL,
	"signature" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD CONSTRAINT "mail_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_preferences" ADD CONSTRAINT "user_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;