CREATE TYPE "public"."mail_auth_method" AS ENUM('password', 'oauth2');--> statement-breakpoint
CREATE TYPE "public"."mail_oauth_provider" AS ENUM('microsoft', 'google');--> statement-breakpoint
CREATE TABLE "mail_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"provider" "mail_oauth_provider" NOT NULL,
	"email_address" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"code_verifier" text NOT NULL,
	"servers" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mail_accounts" ALTER COLUMN "imap_password_encrypted" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_accounts" ALTER COLUMN "smtp_password_encrypted" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD COLUMN "auth_method" "mail_auth_method" DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD COLUMN "oauth_provider" "mail_oauth_provider";--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD COLUMN "oauth_refresh_token_encrypted" text;--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD COLUMN "oauth_access_token_encrypted" text;--> statement-breakpoint
ALTER TABLE "mail_accounts" ADD COLUMN "oauth_access_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mail_oauth_states" ADD CONSTRAINT "mail_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_oauth_states_user_id_idx" ON "mail_oauth_states" USING btree ("user_id");