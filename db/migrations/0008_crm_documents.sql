CREATE TYPE "public"."document_kind" AS ENUM('email_in', 'email_out', 'file');--> statement-breakpoint
CREATE TYPE "public"."document_visibility" AS ENUM('everyone', 'only_me');--> statement-breakpoint
CREATE TABLE "document_attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"filename" text,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content_id" text,
	"is_inline" boolean DEFAULT false NOT NULL,
	"part" text,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"company_id" uuid,
	"contact_id" uuid,
	"project_id" uuid,
	"sale_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_links_company" UNIQUE("document_id","company_id"),
	CONSTRAINT "document_links_contact" UNIQUE("document_id","contact_id"),
	CONSTRAINT "document_links_project" UNIQUE("document_id","project_id"),
	CONSTRAINT "document_links_sale" UNIQUE("document_id","sale_id"),
	CONSTRAINT "document_links_one_record" CHECK (num_nonnulls("document_links"."company_id", "document_links"."contact_id", "document_links"."project_id", "document_links"."sale_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "document_kind" NOT NULL,
	"visibility" "document_visibility" DEFAULT 'everyone' NOT NULL,
	"owner_id" uuid,
	"subject" text NOT NULL,
	"document_date" timestamp with time zone NOT NULL,
	"our_reference" text DEFAULT '' NOT NULL,
	"your_reference" text DEFAULT '' NOT NULL,
	"completed" boolean DEFAULT true NOT NULL,
	"message_id_header" text,
	"origin_mail_message_id" uuid,
	"origin_part" text,
	"thread_id" text,
	"in_reply_to" text,
	"from_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"to_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cc_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"text_body" text,
	"html_body" text,
	"blocked_remote_images" integer DEFAULT 0 NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"search" "tsvector" NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_file_has_part" CHECK (("documents"."kind" = 'file') = ("documents"."origin_part" is not null))
);
--> statement-breakpoint
ALTER TABLE "mail_drafts" ADD COLUMN "archive_on_send" jsonb;--> statement-breakpoint
ALTER TABLE "document_attachments" ADD CONSTRAINT "document_attachments_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_sale_id_sales_id_fk" FOREIGN KEY ("sale_id") REFERENCES "public"."sales"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_origin_mail_message_id_mail_messages_id_fk" FOREIGN KEY ("origin_mail_message_id") REFERENCES "public"."mail_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_attachments_document_idx" ON "document_attachments" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "document_links_company_idx" ON "document_links" USING btree ("company_id") WHERE "document_links"."company_id" is not null;--> statement-breakpoint
CREATE INDEX "document_links_contact_idx" ON "document_links" USING btree ("contact_id") WHERE "document_links"."contact_id" is not null;--> statement-breakpoint
CREATE INDEX "document_links_project_idx" ON "document_links" USING btree ("project_id") WHERE "document_links"."project_id" is not null;--> statement-breakpoint
CREATE INDEX "document_links_sale_idx" ON "document_links" USING btree ("sale_id") WHERE "document_links"."sale_id" is not null;--> statement-breakpoint
CREATE INDEX "documents_message_id_idx" ON "documents" USING btree ("message_id_header") WHERE "documents"."message_id_header" is not null;--> statement-breakpoint
CREATE INDEX "documents_origin_message_idx" ON "documents" USING btree ("origin_mail_message_id") WHERE "documents"."origin_mail_message_id" is not null;--> statement-breakpoint
CREATE INDEX "documents_thread_idx" ON "documents" USING btree ("thread_id") WHERE "documents"."thread_id" is not null;--> statement-breakpoint
CREATE INDEX "documents_search_idx" ON "documents" USING gin ("search");--> statement-breakpoint
CREATE INDEX "documents_deleted_idx" ON "documents" USING btree ("deleted_at") WHERE "documents"."deleted_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "documents_shared_message_unique" ON "documents" USING btree ("message_id_header",coalesce("origin_part", '')) WHERE "documents"."visibility" = 'everyone' and "documents"."deleted_at" is null and "documents"."message_id_header" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "documents_private_message_unique" ON "documents" USING btree ("owner_id","message_id_header",coalesce("origin_part", '')) WHERE "documents"."visibility" = 'only_me' and "documents"."deleted_at" is null and "documents"."message_id_header" is not null;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;