-- persistence/sql/migrations/sql/20150100000001000000_networks.postgres.up.sql
CREATE TABLE "networks" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000001000000_identities.postgres.up.sql
CREATE TABLE "identities" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"traits_schema_id" VARCHAR (2048) NOT NULL,
"traits" jsonb NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000001000001_identities.postgres.up.sql
CREATE TABLE "identity_credential_types" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"name" VARCHAR (32) NOT NULL
);
-- persistence/sql/migrations/sql/20191100000001000002_identities.postgres.up.sql
CREATE UNIQUE INDEX "identity_credential_types_name_idx" ON "identity_credential_types" (name);
-- persistence/sql/migrations/sql/20191100000001000003_identities.postgres.up.sql
CREATE TABLE "identity_credentials" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"config" jsonb NOT NULL,
"identity_credential_type_id" UUID NOT NULL,
"identity_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade,
FOREIGN KEY ("identity_credential_type_id") REFERENCES "identity_credential_types" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000001000004_identities.postgres.up.sql
CREATE TABLE "identity_credential_identifiers" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"identifier" VARCHAR (255) NOT NULL,
"identity_credential_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_credential_id") REFERENCES "identity_credentials" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000001000005_identities.postgres.up.sql
CREATE UNIQUE INDEX "identity_credential_identifiers_identifier_idx" ON "identity_credential_identifiers" (identifier);
-- persistence/sql/migrations/sql/20191100000002000000_requests.postgres.up.sql
CREATE TABLE "selfservice_login_requests" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"request_url" VARCHAR (2048) NOT NULL,
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"active_method" VARCHAR (32) NOT NULL,
"csrf_token" VARCHAR (255) NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000002000001_requests.postgres.up.sql
CREATE TABLE "selfservice_login_request_methods" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"method" VARCHAR (32) NOT NULL,
"selfservice_login_request_id" UUID NOT NULL,
"config" jsonb NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("selfservice_login_request_id") REFERENCES "selfservice_login_requests" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000002000002_requests.postgres.up.sql
CREATE TABLE "selfservice_registration_requests" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"request_url" VARCHAR (2048) NOT NULL,
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"active_method" VARCHAR (32) NOT NULL,
"csrf_token" VARCHAR (255) NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000002000003_requests.postgres.up.sql
CREATE TABLE "selfservice_registration_request_methods" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"method" VARCHAR (32) NOT NULL,
"selfservice_registration_request_id" UUID NOT NULL,
"config" jsonb NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("selfservice_registration_request_id") REFERENCES "selfservice_registration_requests" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000002000004_requests.postgres.up.sql
CREATE TABLE "selfservice_profile_management_requests" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"request_url" VARCHAR (2048) NOT NULL,
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"form" jsonb NOT NULL,
"update_successful" bool NOT NULL,
"identity_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000003000000_sessions.postgres.up.sql
CREATE TABLE "sessions" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"authenticated_at" timestamp NOT NULL,
"identity_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000004000000_errors.postgres.up.sql
CREATE TABLE "selfservice_errors" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"errors" jsonb NOT NULL,
"seen_at" timestamp NOT NULL,
"was_seen" bool NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000006000000_courier.postgres.up.sql
CREATE TABLE "courier_messages" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"type" int NOT NULL,
"status" int NOT NULL,
"body" VARCHAR (255) NOT NULL,
"subject" VARCHAR (255) NOT NULL,
"recipient" VARCHAR (255) NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000007000000_errors.postgres.up.sql
ALTER TABLE "selfservice_errors" ADD COLUMN "csrf_token" VARCHAR (255) NOT NULL DEFAULT '';
-- persistence/sql/migrations/sql/20191100000008000000_selfservice_verification.postgres.up.sql
CREATE TABLE "identity_verifiable_addresses" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"code" VARCHAR (32) NOT NULL,
"status" VARCHAR (16) NOT NULL,
"via" VARCHAR (16) NOT NULL,
"verified" bool NOT NULL,
"value" VARCHAR (400) NOT NULL,
"verified_at" timestamp,
"expires_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"identity_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20191100000008000001_selfservice_verification.postgres.up.sql
CREATE UNIQUE INDEX "identity_verifiable_addresses_code_uq_idx" ON "identity_verifiable_addresses" (code);
-- persistence/sql/migrations/sql/20191100000008000002_selfservice_verification.postgres.up.sql
CREATE INDEX "identity_verifiable_addresses_code_idx" ON "identity_verifiable_addresses" (code);
-- persistence/sql/migrations/sql/20191100000008000003_selfservice_verification.postgres.up.sql
CREATE UNIQUE INDEX "identity_verifiable_addresses_status_via_uq_idx" ON "identity_verifiable_addresses" (via, value);
-- persistence/sql/migrations/sql/20191100000008000004_selfservice_verification.postgres.up.sql
CREATE INDEX "identity_verifiable_addresses_status_via_idx" ON "identity_verifiable_addresses" (via, value);
-- persistence/sql/migrations/sql/20191100000008000005_selfservice_verification.postgres.up.sql
CREATE TABLE "selfservice_verification_requests" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"request_url" VARCHAR (2048) NOT NULL,
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"form" jsonb NOT NULL,
"via" VARCHAR (16) NOT NULL,
"csrf_token" VARCHAR (255) NOT NULL,
"success" bool NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20191100000010000000_errors.postgres.up.sql
ALTER TABLE "selfservice_errors" ALTER COLUMN "seen_at" TYPE timestamp, ALTER COLUMN "seen_at" DROP NOT NULL;
-- persistence/sql/migrations/sql/20191100000010000001_errors.postgres.up.sql

-- persistence/sql/migrations/sql/20191100000011000000_courier_body_type.postgres.up.sql
ALTER TABLE "courier_messages" ALTER COLUMN "body" TYPE text, ALTER COLUMN "body" SET NOT NULL;
-- persistence/sql/migrations/sql/20191100000012000000_login_request_forced.postgres.up.sql
ALTER TABLE "selfservice_login_requests" ADD COLUMN "forced" bool NOT NULL DEFAULT 'false';
-- persistence/sql/migrations/sql/20200317160354000000_create_profile_request_forms.postgres.up.sql
CREATE TABLE "selfservice_profile_management_request_methods" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"method" VARCHAR (32) NOT NULL,
"selfservice_profile_management_request_id" UUID NOT NULL,
"config" jsonb NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20200317160354000001_create_profile_request_forms.postgres.up.sql
ALTER TABLE "selfservice_profile_management_requests" ADD COLUMN "active_method" VARCHAR (32);
-- persistence/sql/migrations/sql/20200317160354000002_create_profile_request_forms.postgres.up.sql
INSERT INTO selfservice_profile_management_request_methods (id, method, selfservice_profile_management_request_id, config) SELECT id, 'traits', id, form FROM selfservice_profile_management_requests;
-- persistence/sql/migrations/sql/20200317160354000003_create_profile_request_forms.postgres.up.sql
ALTER TABLE "selfservice_profile_management_requests" DROP COLUMN "form";
-- persistence/sql/migrations/sql/20200317160354000004_create_profile_request_forms.postgres.up.sql

-- persistence/sql/migrations/sql/20200401183443000000_continuity_containers.postgres.up.sql
CREATE TABLE "continuity_containers" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"identity_id" UUID,
"name" VARCHAR (255) NOT NULL,
"payload" jsonb,
"expires_at" timestamp NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200402142539000000_rename_profile_flows.postgres.up.sql
ALTER TABLE "selfservice_profile_management_request_methods" RENAME COLUMN "selfservice_profile_management_request_id" TO "selfservice_settings_request_id";
-- persistence/sql/migrations/sql/20200402142539000001_rename_profile_flows.postgres.up.sql
ALTER TABLE "selfservice_profile_management_request_methods" RENAME TO "selfservice_settings_request_methods";
-- persistence/sql/migrations/sql/20200402142539000002_rename_profile_flows.postgres.up.sql
ALTER TABLE "selfservice_profile_management_requests" RENAME TO "selfservice_settings_requests";
-- persistence/sql/migrations/sql/20200519101057000000_create_recovery_addresses.postgres.up.sql
CREATE TABLE "identity_recovery_addresses" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"via" VARCHAR (16) NOT NULL,
"value" VARCHAR (400) NOT NULL,
"identity_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200519101057000001_create_recovery_addresses.postgres.up.sql
CREATE UNIQUE INDEX "identity_recovery_addresses_status_via_uq_idx" ON "identity_recovery_addresses" (via, value);
-- persistence/sql/migrations/sql/20200519101057000002_create_recovery_addresses.postgres.up.sql
CREATE INDEX "identity_recovery_addresses_status_via_idx" ON "identity_recovery_addresses" (via, value);
-- persistence/sql/migrations/sql/20200519101057000003_create_recovery_addresses.postgres.up.sql
CREATE TABLE "selfservice_recovery_requests" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"request_url" VARCHAR (2048) NOT NULL,
"issued_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"expires_at" timestamp NOT NULL,
"messages" jsonb,
"active_method" VARCHAR (32),
"csrf_token" VARCHAR (255) NOT NULL,
"state" VARCHAR (32) NOT NULL,
"recovered_identity_id" UUID,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("recovered_identity_id") REFERENCES "identities" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200519101057000004_create_recovery_addresses.postgres.up.sql
CREATE TABLE "selfservice_recovery_request_methods" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"method" VARCHAR (32) NOT NULL,
"config" jsonb NOT NULL,
"selfservice_recovery_request_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("selfservice_recovery_request_id") REFERENCES "selfservice_recovery_requests" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200519101057000005_create_recovery_addresses.postgres.up.sql
CREATE TABLE "identity_recovery_tokens" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"token" VARCHAR (64) NOT NULL,
"used" bool NOT NULL DEFAULT 'false',
"used_at" timestamp,
"identity_recovery_address_id" UUID NOT NULL,
"selfservice_recovery_request_id" UUID NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_recovery_address_id") REFERENCES "identity_recovery_addresses" ("id") ON DELETE cascade,
FOREIGN KEY ("selfservice_recovery_request_id") REFERENCES "selfservice_recovery_requests" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200519101057000006_create_recovery_addresses.postgres.up.sql
CREATE UNIQUE INDEX "identity_recovery_addresses_code_uq_idx" ON "identity_recovery_tokens" (token);
-- persistence/sql/migrations/sql/20200519101057000007_create_recovery_addresses.postgres.up.sql
CREATE INDEX "identity_recovery_addresses_code_idx" ON "identity_recovery_tokens" (token);
-- persistence/sql/migrations/sql/20200601101000000000_create_messages.postgres.up.sql
ALTER TABLE "selfservice_settings_requests" ADD COLUMN "messages" jsonb;
-- persistence/sql/migrations/sql/20200605111551000000_messages.postgres.up.sql
ALTER TABLE "selfservice_verification_requests" ADD COLUMN "messages" jsonb;
-- persistence/sql/migrations/sql/20200605111551000001_messages.postgres.up.sql
ALTER TABLE "selfservice_login_requests" ADD COLUMN "messages" jsonb;
-- persistence/sql/migrations/sql/20200605111551000002_messages.postgres.up.sql
ALTER TABLE "selfservice_registration_requests" ADD COLUMN "messages" jsonb;
-- persistence/sql/migrations/sql/20200607165100000000_settings.postgres.up.sql
ALTER TABLE "selfservice_settings_requests" ADD COLUMN "state" VARCHAR (255) NOT NULL DEFAULT 'show_form';
-- persistence/sql/migrations/sql/20200607165100000001_settings.postgres.up.sql
ALTER TABLE "selfservice_settings_requests" DROP COLUMN "update_successful";
-- persistence/sql/migrations/sql/20200705105359000000_rename_identities_schema.postgres.up.sql
ALTER TABLE "identities" RENAME COLUMN "traits_schema_id" TO "schema_id";
-- persistence/sql/migrations/sql/20200810141652000000_flow_type.postgres.up.sql
ALTER TABLE "selfservice_login_requests" ADD COLUMN "type" VARCHAR (16) NOT NULL DEFAULT 'browser';
-- persistence/sql/migrations/sql/20200810141652000001_flow_type.postgres.up.sql
ALTER TABLE "selfservice_registration_requests" ADD COLUMN "type" VARCHAR (16) NOT NULL DEFAULT 'browser';
-- persistence/sql/migrations/sql/20200810141652000002_flow_type.postgres.up.sql
ALTER TABLE "selfservice_settings_requests" ADD COLUMN "type" VARCHAR (16) NOT NULL DEFAULT 'browser';
-- persistence/sql/migrations/sql/20200810141652000003_flow_type.postgres.up.sql
ALTER TABLE "selfservice_recovery_requests" ADD COLUMN "type" VARCHAR (16) NOT NULL DEFAULT 'browser';
-- persistence/sql/migrations/sql/20200810141652000004_flow_type.postgres.up.sql
ALTER TABLE "selfservice_verification_requests" ADD COLUMN "type" VARCHAR (16) NOT NULL DEFAULT 'browser';
-- persistence/sql/migrations/sql/20200810161022000000_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_login_request_methods" RENAME TO "selfservice_login_flow_methods";
-- persistence/sql/migrations/sql/20200810161022000001_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_login_requests" RENAME TO "selfservice_login_flows";
-- persistence/sql/migrations/sql/20200810161022000002_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_registration_request_methods" RENAME TO "selfservice_registration_flow_methods";
-- persistence/sql/migrations/sql/20200810161022000003_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_registration_requests" RENAME TO "selfservice_registration_flows";
-- persistence/sql/migrations/sql/20200810161022000004_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_settings_request_methods" RENAME TO "selfservice_settings_flow_methods";
-- persistence/sql/migrations/sql/20200810161022000005_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_settings_requests" RENAME TO "selfservice_settings_flows";
-- persistence/sql/migrations/sql/20200810161022000006_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_recovery_request_methods" RENAME TO "selfservice_recovery_flow_methods";
-- persistence/sql/migrations/sql/20200810161022000007_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_recovery_requests" RENAME TO "selfservice_recovery_flows";
-- persistence/sql/migrations/sql/20200810161022000008_flow_rename.postgres.up.sql
ALTER TABLE "selfservice_verification_requests" RENAME TO "selfservice_verification_flows";
-- persistence/sql/migrations/sql/20200810162450000000_flow_fields_rename.postgres.up.sql
ALTER TABLE "selfservice_login_flow_methods" RENAME COLUMN "selfservice_login_request_id" TO "selfservice_login_flow_id";
-- persistence/sql/migrations/sql/20200810162450000001_flow_fields_rename.postgres.up.sql
ALTER TABLE "selfservice_registration_flow_methods" RENAME COLUMN "selfservice_registration_request_id" TO "selfservice_registration_flow_id";
-- persistence/sql/migrations/sql/20200810162450000002_flow_fields_rename.postgres.up.sql
ALTER TABLE "selfservice_recovery_flow_methods" RENAME COLUMN "selfservice_recovery_request_id" TO "selfservice_recovery_flow_id";
-- persistence/sql/migrations/sql/20200810162450000003_flow_fields_rename.postgres.up.sql
ALTER TABLE "selfservice_settings_flow_methods" RENAME COLUMN "selfservice_settings_request_id" TO "selfservice_settings_flow_id";
-- persistence/sql/migrations/sql/20200812124254000000_add_session_token.postgres.up.sql
DELETE FROM sessions;
-- persistence/sql/migrations/sql/20200812124254000001_add_session_token.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "token" VARCHAR (32);
-- persistence/sql/migrations/sql/20200812124254000002_add_session_token.postgres.up.sql
ALTER TABLE "sessions" ALTER COLUMN "token" TYPE VARCHAR (32), ALTER COLUMN "token" DROP NOT NULL;
-- persistence/sql/migrations/sql/20200812124254000003_add_session_token.postgres.up.sql
CREATE UNIQUE INDEX "sessions_token_uq_idx" ON "sessions" (token);
-- persistence/sql/migrations/sql/20200812124254000004_add_session_token.postgres.up.sql
CREATE INDEX "sessions_token_idx" ON "sessions" (token);
-- persistence/sql/migrations/sql/20200812160551000000_add_session_revoke.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "active" boolean DEFAULT 'false';
-- persistence/sql/migrations/sql/20200830121710000000_update_recovery_token.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" RENAME COLUMN "selfservice_recovery_request_id" TO "selfservice_recovery_flow_id";
-- persistence/sql/migrations/sql/20200830130642000000_add_verification_methods.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ADD COLUMN "state" VARCHAR (255) NOT NULL DEFAULT 'show_form';
-- persistence/sql/migrations/sql/20200830130642000001_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000002_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000003_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000004_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000005_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000006_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130642000007_add_verification_methods.postgres.up.sql

-- persistence/sql/migrations/sql/20200830130643000000_add_verification_methods.postgres.up.sql
UPDATE selfservice_verification_flows SET state='passed_challenge' WHERE success IS TRUE;
-- persistence/sql/migrations/sql/20200830130644000000_add_verification_methods.postgres.up.sql
CREATE TABLE "selfservice_verification_flow_methods" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"method" VARCHAR (32) NOT NULL,
"selfservice_verification_flow_id" UUID NOT NULL,
"config" jsonb NOT NULL,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL
);
-- persistence/sql/migrations/sql/20200830130644000001_add_verification_methods.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ADD COLUMN "active_method" VARCHAR (32);
-- persistence/sql/migrations/sql/20200830130645000000_add_verification_methods.postgres.up.sql
INSERT INTO selfservice_verification_flow_methods (id, method, selfservice_verification_flow_id, config, created_at, updated_at) SELECT id, 'link', id, form, created_at, updated_at FROM selfservice_verification_flows;
-- persistence/sql/migrations/sql/20200830130646000000_add_verification_methods.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" DROP COLUMN "form";
-- persistence/sql/migrations/sql/20200830130646000001_add_verification_methods.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" DROP COLUMN "via";
-- persistence/sql/migrations/sql/20200830130646000002_add_verification_methods.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" DROP COLUMN "success";
-- persistence/sql/migrations/sql/20200830154602000000_add_verification_token.postgres.up.sql
CREATE TABLE "identity_verification_tokens" (
"id" UUID NOT NULL,
PRIMARY KEY("id"),
"token" VARCHAR (64) NOT NULL,
"used" bool NOT NULL DEFAULT 'false',
"used_at" timestamp,
"expires_at" timestamp NOT NULL,
"issued_at" timestamp NOT NULL,
"identity_verifiable_address_id" UUID NOT NULL,
"selfservice_verification_flow_id" UUID,
"created_at" timestamp NOT NULL,
"updated_at" timestamp NOT NULL,
FOREIGN KEY ("identity_verifiable_address_id") REFERENCES "identity_verifiable_addresses" ("id") ON DELETE cascade,
FOREIGN KEY ("selfservice_verification_flow_id") REFERENCES "selfservice_verification_flows" ("id") ON DELETE cascade
);
-- persistence/sql/migrations/sql/20200830154602000001_add_verification_token.postgres.up.sql
CREATE UNIQUE INDEX "identity_verification_tokens_token_uq_idx" ON "identity_verification_tokens" (token);
-- persistence/sql/migrations/sql/20200830154602000002_add_verification_token.postgres.up.sql
CREATE INDEX "identity_verification_tokens_token_idx" ON "identity_verification_tokens" (token);
-- persistence/sql/migrations/sql/20200830154602000003_add_verification_token.postgres.up.sql
CREATE INDEX "identity_verification_tokens_verifiable_address_id_idx" ON "identity_verification_tokens" (identity_verifiable_address_id);
-- persistence/sql/migrations/sql/20200830154602000004_add_verification_token.postgres.up.sql
CREATE INDEX "identity_verification_tokens_verification_flow_id_idx" ON "identity_verification_tokens" (selfservice_verification_flow_id);
-- persistence/sql/migrations/sql/20200830172221000000_recovery_token_expires.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD COLUMN "expires_at" timestamp NOT NULL DEFAULT '2000-01-01 00:00:00';
-- persistence/sql/migrations/sql/20200830172221000001_recovery_token_expires.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD COLUMN "issued_at" timestamp NOT NULL DEFAULT '2000-01-01 00:00:00';
-- persistence/sql/migrations/sql/20200830172221000002_recovery_token_expires.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ALTER COLUMN "selfservice_recovery_flow_id" TYPE UUID, ALTER COLUMN "selfservice_recovery_flow_id" DROP NOT NULL;
-- persistence/sql/migrations/sql/20200830172221000003_recovery_token_expires.postgres.up.sql

-- persistence/sql/migrations/sql/20200831110752000000_identity_verifiable_address_remove_code.postgres.up.sql
DROP INDEX "identity_verifiable_addresses_code_uq_idx";
-- persistence/sql/migrations/sql/20200831110752000001_identity_verifiable_address_remove_code.postgres.up.sql
DROP INDEX "identity_verifiable_addresses_code_idx";
-- persistence/sql/migrations/sql/20200831110752000002_identity_verifiable_address_remove_code.postgres.up.sql
ALTER TABLE "identity_verifiable_addresses" DROP COLUMN "code";
-- persistence/sql/migrations/sql/20200831110752000003_identity_verifiable_address_remove_code.postgres.up.sql
ALTER TABLE "identity_verifiable_addresses" DROP COLUMN "expires_at";
-- persistence/sql/migrations/sql/20200831110752000004_identity_verifiable_address_remove_code.postgres.up.sql

-- persistence/sql/migrations/sql/20200831110752000005_identity_verifiable_address_remove_code.postgres.up.sql

-- persistence/sql/migrations/sql/20200831110752000006_identity_verifiable_address_remove_code.postgres.up.sql

-- persistence/sql/migrations/sql/20200831110752000007_identity_verifiable_address_remove_code.postgres.up.sql

-- persistence/sql/migrations/sql/20201201161451000000_credential_types_values.postgres.up.sql
INSERT INTO identity_credential_types (id, name) SELECT '78c1b41d-8341-4507-aa60-aff1d4369670', 'password' WHERE NOT EXISTS ( SELECT * FROM identity_credential_types WHERE name = 'password');
-- persistence/sql/migrations/sql/20201201161451000001_credential_types_values.postgres.up.sql
INSERT INTO identity_credential_types (id, name) SELECT '6fa5e2e0-bfce-4631-b62b-cf2b0252b289', 'oidc' WHERE NOT EXISTS ( SELECT * FROM identity_credential_types WHERE name = 'oidc');
-- persistence/sql/migrations/sql/20210307130558000000_courier_status_index.postgres.up.sql
CREATE INDEX "courier_messages_status_idx" ON "courier_messages" (status);
-- persistence/sql/migrations/sql/20210307130559000000_courier_message_template.postgres.up.sql
ALTER TABLE "courier_messages" ADD COLUMN "template_type" VARCHAR (255) NOT NULL DEFAULT '';
-- persistence/sql/migrations/sql/20210307130559000001_courier_message_template.postgres.up.sql
ALTER TABLE "courier_messages" ADD COLUMN "template_data" bytea;
-- persistence/sql/migrations/sql/20210311102338000000_form_refactoring.postgres.up.sql
DROP TABLE "selfservice_login_flow_methods";
-- persistence/sql/migrations/sql/20210311102338000001_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_login_flows" DROP COLUMN "messages";
-- persistence/sql/migrations/sql/20210311102338000002_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD COLUMN "ui" jsonb;
-- persistence/sql/migrations/sql/20210311102338000003_form_refactoring.postgres.up.sql
UPDATE selfservice_login_flows SET ui='{}';
-- persistence/sql/migrations/sql/20210311102338000004_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ALTER COLUMN "ui" TYPE jsonb, ALTER COLUMN "ui" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210311102338000005_form_refactoring.postgres.up.sql
DROP TABLE "selfservice_registration_flow_methods";
-- persistence/sql/migrations/sql/20210311102338000006_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" DROP COLUMN "messages";
-- persistence/sql/migrations/sql/20210311102338000007_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ADD COLUMN "ui" jsonb;
-- persistence/sql/migrations/sql/20210311102338000008_form_refactoring.postgres.up.sql
UPDATE selfservice_registration_flows SET ui='{}';
-- persistence/sql/migrations/sql/20210311102338000009_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ALTER COLUMN "ui" TYPE jsonb, ALTER COLUMN "ui" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210311102338000010_form_refactoring.postgres.up.sql
DROP TABLE "selfservice_settings_flow_methods";
-- persistence/sql/migrations/sql/20210311102338000011_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" DROP COLUMN "messages";
-- persistence/sql/migrations/sql/20210311102338000012_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ADD COLUMN "ui" jsonb;
-- persistence/sql/migrations/sql/20210311102338000013_form_refactoring.postgres.up.sql
UPDATE selfservice_settings_flows SET ui='{}';
-- persistence/sql/migrations/sql/20210311102338000014_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ALTER COLUMN "ui" TYPE jsonb, ALTER COLUMN "ui" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210311102338000015_form_refactoring.postgres.up.sql
DROP TABLE "selfservice_recovery_flow_methods";
-- persistence/sql/migrations/sql/20210311102338000016_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" DROP COLUMN "messages";
-- persistence/sql/migrations/sql/20210311102338000017_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ADD COLUMN "ui" jsonb;
-- persistence/sql/migrations/sql/20210311102338000018_form_refactoring.postgres.up.sql
UPDATE selfservice_recovery_flows SET ui='{}';
-- persistence/sql/migrations/sql/20210311102338000019_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ALTER COLUMN "ui" TYPE jsonb, ALTER COLUMN "ui" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210311102338000020_form_refactoring.postgres.up.sql
DROP TABLE "selfservice_verification_flow_methods";
-- persistence/sql/migrations/sql/20210311102338000021_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" DROP COLUMN "messages";
-- persistence/sql/migrations/sql/20210311102338000022_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ADD COLUMN "ui" jsonb;
-- persistence/sql/migrations/sql/20210311102338000023_form_refactoring.postgres.up.sql
UPDATE selfservice_verification_flows SET ui='{}';
-- persistence/sql/migrations/sql/20210311102338000024_form_refactoring.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ALTER COLUMN "ui" TYPE jsonb, ALTER COLUMN "ui" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000000_network.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000001_network.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD CONSTRAINT "selfservice_login_flows_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000002_network.postgres.up.sql
UPDATE selfservice_login_flows SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000003_network.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000004_network.postgres.up.sql
CREATE INDEX "selfservice_login_flows_nid_idx" ON "selfservice_login_flows" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000005_network.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000006_network.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ADD CONSTRAINT "selfservice_registration_flows_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000007_network.postgres.up.sql
UPDATE selfservice_registration_flows SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000008_network.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000009_network.postgres.up.sql
CREATE INDEX "selfservice_registration_flows_nid_idx" ON "selfservice_registration_flows" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000010_network.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000011_network.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ADD CONSTRAINT "selfservice_settings_flows_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000012_network.postgres.up.sql
UPDATE selfservice_settings_flows SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000013_network.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000014_network.postgres.up.sql
CREATE INDEX "selfservice_settings_flows_nid_idx" ON "selfservice_settings_flows" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000015_network.postgres.up.sql
ALTER TABLE "selfservice_errors" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000016_network.postgres.up.sql
ALTER TABLE "selfservice_errors" ADD CONSTRAINT "selfservice_errors_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000017_network.postgres.up.sql
UPDATE selfservice_errors SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000018_network.postgres.up.sql
ALTER TABLE "selfservice_errors" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000019_network.postgres.up.sql
CREATE INDEX "selfservice_errors_nid_idx" ON "selfservice_errors" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000020_network.postgres.up.sql
ALTER TABLE "continuity_containers" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000021_network.postgres.up.sql
ALTER TABLE "continuity_containers" ADD CONSTRAINT "continuity_containers_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000022_network.postgres.up.sql
UPDATE continuity_containers SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000023_network.postgres.up.sql
ALTER TABLE "continuity_containers" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000024_network.postgres.up.sql
CREATE INDEX "continuity_containers_nid_idx" ON "continuity_containers" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000025_network.postgres.up.sql
ALTER TABLE "courier_messages" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000026_network.postgres.up.sql
ALTER TABLE "courier_messages" ADD CONSTRAINT "courier_messages_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000027_network.postgres.up.sql
UPDATE courier_messages SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000028_network.postgres.up.sql
ALTER TABLE "courier_messages" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000029_network.postgres.up.sql
CREATE INDEX "courier_messages_nid_idx" ON "courier_messages" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000030_network.postgres.up.sql
ALTER TABLE "identities" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000031_network.postgres.up.sql
ALTER TABLE "identities" ADD CONSTRAINT "identities_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000032_network.postgres.up.sql
UPDATE identities SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000033_network.postgres.up.sql
ALTER TABLE "identities" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000034_network.postgres.up.sql
CREATE INDEX "identities_nid_idx" ON "identities" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000035_network.postgres.up.sql
ALTER TABLE "identity_credentials" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000036_network.postgres.up.sql
ALTER TABLE "identity_credentials" ADD CONSTRAINT "identity_credentials_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000037_network.postgres.up.sql
UPDATE identity_credentials SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000038_network.postgres.up.sql
ALTER TABLE "identity_credentials" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000039_network.postgres.up.sql
CREATE INDEX "identity_credentials_nid_idx" ON "identity_credentials" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000040_network.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000041_network.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ADD CONSTRAINT "identity_credential_identifiers_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000042_network.postgres.up.sql
UPDATE identity_credential_identifiers SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000043_network.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000044_network.postgres.up.sql
CREATE INDEX "identity_credential_identifiers_nid_idx" ON "identity_credential_identifiers" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000045_network.postgres.up.sql
DROP INDEX "identity_credential_identifiers_identifier_idx";
-- persistence/sql/migrations/sql/20210410175418000046_network.postgres.up.sql
CREATE UNIQUE INDEX "identity_credential_identifiers_identifier_nid_uq_idx" ON "identity_credential_identifiers" (nid, identifier);
-- persistence/sql/migrations/sql/20210410175418000047_network.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000048_network.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ADD CONSTRAINT "selfservice_recovery_flows_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000049_network.postgres.up.sql
UPDATE selfservice_recovery_flows SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000050_network.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000051_network.postgres.up.sql
CREATE INDEX "selfservice_recovery_flows_nid_idx" ON "selfservice_recovery_flows" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000052_network.postgres.up.sql
ALTER TABLE "identity_recovery_addresses" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000053_network.postgres.up.sql
ALTER TABLE "identity_recovery_addresses" ADD CONSTRAINT "identity_recovery_addresses_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000054_network.postgres.up.sql
UPDATE identity_recovery_addresses SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000055_network.postgres.up.sql
ALTER TABLE "identity_recovery_addresses" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000056_network.postgres.up.sql
CREATE INDEX "identity_recovery_addresses_nid_idx" ON "identity_recovery_addresses" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000057_network.postgres.up.sql
DROP INDEX "identity_recovery_addresses_status_via_uq_idx";
-- persistence/sql/migrations/sql/20210410175418000058_network.postgres.up.sql
DROP INDEX "identity_recovery_addresses_status_via_idx";
-- persistence/sql/migrations/sql/20210410175418000059_network.postgres.up.sql
CREATE UNIQUE INDEX "identity_recovery_addresses_status_via_uq_idx" ON "identity_recovery_addresses" (nid, via, value);
-- persistence/sql/migrations/sql/20210410175418000060_network.postgres.up.sql
CREATE INDEX "identity_recovery_addresses_status_via_idx" ON "identity_recovery_addresses" (nid, via, value);
-- persistence/sql/migrations/sql/20210410175418000061_network.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000062_network.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD CONSTRAINT "identity_recovery_tokens_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000063_network.postgres.up.sql
UPDATE identity_recovery_tokens SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000064_network.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000065_network.postgres.up.sql
CREATE INDEX "identity_recovery_tokens_nid_idx" ON "identity_recovery_tokens" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000066_network.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000067_network.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ADD CONSTRAINT "selfservice_verification_flows_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000068_network.postgres.up.sql
UPDATE selfservice_verification_flows SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000069_network.postgres.up.sql
ALTER TABLE "selfservice_verification_flows" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000070_network.postgres.up.sql
CREATE INDEX "selfservice_verification_flows_nid_idx" ON "selfservice_verification_flows" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000071_network.postgres.up.sql
ALTER TABLE "identity_verifiable_addresses" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000072_network.postgres.up.sql
ALTER TABLE "identity_verifiable_addresses" ADD CONSTRAINT "identity_verifiable_addresses_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000073_network.postgres.up.sql
UPDATE identity_verifiable_addresses SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000074_network.postgres.up.sql
ALTER TABLE "identity_verifiable_addresses" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000075_network.postgres.up.sql
CREATE INDEX "identity_verifiable_addresses_nid_idx" ON "identity_verifiable_addresses" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000076_network.postgres.up.sql
DROP INDEX "identity_verifiable_addresses_status_via_uq_idx";
-- persistence/sql/migrations/sql/20210410175418000077_network.postgres.up.sql
DROP INDEX "identity_verifiable_addresses_status_via_idx";
-- persistence/sql/migrations/sql/20210410175418000078_network.postgres.up.sql
CREATE UNIQUE INDEX "identity_verifiable_addresses_status_via_uq_idx" ON "identity_verifiable_addresses" (nid, via, value);
-- persistence/sql/migrations/sql/20210410175418000079_network.postgres.up.sql
CREATE INDEX "identity_verifiable_addresses_status_via_idx" ON "identity_verifiable_addresses" (nid, via, value);
-- persistence/sql/migrations/sql/20210410175418000080_network.postgres.up.sql
ALTER TABLE "identity_verification_tokens" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000081_network.postgres.up.sql
ALTER TABLE "identity_verification_tokens" ADD CONSTRAINT "identity_verification_tokens_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000082_network.postgres.up.sql
UPDATE identity_verification_tokens SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000083_network.postgres.up.sql
ALTER TABLE "identity_verification_tokens" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000084_network.postgres.up.sql
CREATE INDEX "identity_verification_tokens_nid_idx" ON "identity_verification_tokens" (id, nid);
-- persistence/sql/migrations/sql/20210410175418000085_network.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "nid" UUID;
-- persistence/sql/migrations/sql/20210410175418000086_network.postgres.up.sql
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_nid_fk_idx" FOREIGN KEY ("nid") REFERENCES "networks" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210410175418000087_network.postgres.up.sql
UPDATE sessions SET nid = (SELECT id FROM networks LIMIT 1);
-- persistence/sql/migrations/sql/20210410175418000088_network.postgres.up.sql
ALTER TABLE "sessions" ALTER COLUMN "nid" TYPE UUID, ALTER COLUMN "nid" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210410175418000089_network.postgres.up.sql
CREATE INDEX "sessions_nid_idx" ON "sessions" (id, nid);
-- persistence/sql/migrations/sql/20210504121624000000_add_identity_states.postgres.up.sql
ALTER TABLE "identities" ADD COLUMN "state" VARCHAR (255) NOT NULL DEFAULT 'active';
-- persistence/sql/migrations/sql/20210504121624000001_add_identity_states.postgres.up.sql
ALTER TABLE "identities" ADD COLUMN "state_changed_at" timestamp;
-- persistence/sql/migrations/sql/20210618103120000000_logout_token.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "logout_token" VARCHAR (32);
-- persistence/sql/migrations/sql/20210618103120000001_logout_token.postgres.up.sql
UPDATE sessions SET logout_token = token;
-- persistence/sql/migrations/sql/20210618103120000002_logout_token.postgres.up.sql
ALTER TABLE "sessions" ALTER COLUMN "logout_token" TYPE VARCHAR (32), ALTER COLUMN "logout_token" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210618103120000003_logout_token.postgres.up.sql
CREATE UNIQUE INDEX "sessions_logout_token_uq_idx" ON "sessions" (logout_token);
-- persistence/sql/migrations/sql/20210618103120000004_logout_token.postgres.up.sql
CREATE INDEX "sessions_logout_token_idx" ON "sessions" (logout_token);
-- persistence/sql/migrations/sql/20210805112414000000_settings_flow_context.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ADD COLUMN "internal_context" jsonb;
-- persistence/sql/migrations/sql/20210805112414000001_settings_flow_context.postgres.up.sql
UPDATE selfservice_settings_flows SET internal_context='{}';
-- persistence/sql/migrations/sql/20210805112414000002_settings_flow_context.postgres.up.sql
ALTER TABLE "selfservice_settings_flows" ALTER COLUMN "internal_context" TYPE jsonb, ALTER COLUMN "internal_context" SET NOT NULL;
-- persistence/sql/migrations/sql/20210805122535000000_credential_types_totp.postgres.up.sql
INSERT INTO identity_credential_types (id, name) SELECT '5e29b036-aa47-457f-9fe6-aa8b854a752b', 'totp' WHERE NOT EXISTS ( SELECT * FROM identity_credential_types WHERE name = 'totp');
-- persistence/sql/migrations/sql/20210810153530000000_aal.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "aal" VARCHAR (4) NOT NULL DEFAULT 'aal1';
-- persistence/sql/migrations/sql/20210810153530000001_aal.postgres.up.sql
ALTER TABLE "sessions" ADD COLUMN "authentication_methods" jsonb;
-- persistence/sql/migrations/sql/20210810153530000002_aal.postgres.up.sql
UPDATE sessions SET authentication_methods='[]';
-- persistence/sql/migrations/sql/20210810153530000003_aal.postgres.up.sql
ALTER TABLE "sessions" ALTER COLUMN "authentication_methods" TYPE jsonb, ALTER COLUMN "authentication_methods" SET NOT NULL;
-- persistence/sql/migrations/sql/20210810153530000004_aal.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD COLUMN "requested_aal" VARCHAR (4) NOT NULL DEFAULT 'aal1';
-- persistence/sql/migrations/sql/20210813150152000000_credential_types_lookup.postgres.up.sql
INSERT INTO identity_credential_types (id, name) SELECT '567a0730-7f48-4dd7-a13d-df87a51c245f', 'lookup_secret' WHERE NOT EXISTS ( SELECT * FROM identity_credential_types WHERE name = 'lookup_secret');
-- persistence/sql/migrations/sql/20210816113956000000_webauthn.postgres.up.sql
INSERT INTO identity_credential_types (id, name) SELECT '6b213fa0-e6ad-46cb-8878-b088d2ce2e3c', 'webauthn' WHERE NOT EXISTS ( SELECT * FROM identity_credential_types WHERE name = 'webauthn');
-- persistence/sql/migrations/sql/20210816142650000000_flow_internal_context.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD COLUMN "internal_context" jsonb;
-- persistence/sql/migrations/sql/20210816142650000001_flow_internal_context.postgres.up.sql
UPDATE selfservice_login_flows SET internal_context='{}';
-- persistence/sql/migrations/sql/20210816142650000002_flow_internal_context.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ALTER COLUMN "internal_context" TYPE jsonb, ALTER COLUMN "internal_context" SET NOT NULL;
-- persistence/sql/migrations/sql/20210816142650000003_flow_internal_context.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ADD COLUMN "internal_context" jsonb;
-- persistence/sql/migrations/sql/20210816142650000004_flow_internal_context.postgres.up.sql
UPDATE selfservice_registration_flows SET internal_context='{}';
-- persistence/sql/migrations/sql/20210816142650000005_flow_internal_context.postgres.up.sql
ALTER TABLE "selfservice_registration_flows" ALTER COLUMN "internal_context" TYPE jsonb, ALTER COLUMN "internal_context" SET NOT NULL;
-- persistence/sql/migrations/sql/20210817181232000000_unique_credentials.postgres.up.sql
DROP INDEX "identity_credential_identifiers_identifier_nid_uq_idx";
-- persistence/sql/migrations/sql/20210817181232000001_unique_credentials.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ADD COLUMN "identity_credential_type_id" UUID;
-- persistence/sql/migrations/sql/20210817181232000002_unique_credentials.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ADD CONSTRAINT "identity_credential_identifiers_type_id_fk_idx" FOREIGN KEY ("identity_credential_type_id") REFERENCES "identity_credential_types" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20210817181232000003_unique_credentials.postgres.up.sql
UPDATE identity_credential_identifiers SET identity_credential_type_id = (SELECT  ict.id FROM identity_credential_types as ict JOIN identity_credentials AS ic ON (ic.identity_credential_type_id = ict.id) WHERE ic.id = identity_credential_id);
-- persistence/sql/migrations/sql/20210817181232000004_unique_credentials.postgres.up.sql
ALTER TABLE "identity_credential_identifiers" ALTER COLUMN "identity_credential_type_id" TYPE UUID, ALTER COLUMN "identity_credential_type_id" SET NOT NULL;
-- persistence/sql/migrations/sql/20210817181232000005_unique_credentials.postgres.up.sql
CREATE UNIQUE INDEX "identity_credential_identifiers_identifier_nid_type_uq_idx" ON "identity_credential_identifiers" (nid, identity_credential_type_id, identifier);
-- persistence/sql/migrations/sql/20210829131458000000_session_aal_legacy.postgres.up.sql
UPDATE sessions SET authentication_methods='[{"method":"v0.6_legacy_session"}]' WHERE authentication_methods='[]' AND aal='aal1';
-- persistence/sql/migrations/sql/20210913095309000000_identity_recovery_tokens.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ALTER COLUMN "identity_recovery_address_id" TYPE UUID, ALTER COLUMN "identity_recovery_address_id" DROP NOT NULL;
-- persistence/sql/migrations/sql/20210913095309000001_identity_recovery_tokens.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD COLUMN "identity_id" UUID;
-- persistence/sql/migrations/sql/20210913095309000002_identity_recovery_tokens.postgres.up.sql
UPDATE identity_recovery_tokens SET identity_id=(SELECT identity_id FROM identity_recovery_addresses WHERE id=identity_recovery_address_id) WHERE identity_id = '00000000-0000-0000-0000-000000000000' OR identity_id IS NULL;
-- persistence/sql/migrations/sql/20210913095309000003_identity_recovery_tokens.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ALTER COLUMN "identity_id" TYPE UUID, ALTER COLUMN "identity_id" SET NOT NULL;
-- persistence/sql/migrations/sql/20210913095309000004_identity_recovery_tokens.postgres.up.sql
ALTER TABLE "identity_recovery_tokens" ADD CONSTRAINT "identity_recovery_tokens_identity_id_fk_idx" FOREIGN KEY ("identity_id") REFERENCES "identities" ("id") ON UPDATE RESTRICT ON DELETE CASCADE;
-- persistence/sql/migrations/sql/20220118104539000000_identity_fk_indexes.postgres.up.sql
CREATE INDEX "identity_credentials_nid_identity_id_idx" ON "identity_credentials" (identity_id, nid);
-- persistence/sql/migrations/sql/20220118104539000001_identity_fk_indexes.postgres.up.sql
CREATE INDEX "identity_credential_identifiers_nid_identity_credential_id_idx" ON "identity_credential_identifiers" (identity_credential_id, nid);
-- persistence/sql/migrations/sql/20220118104539000002_identity_fk_indexes.postgres.up.sql
CREATE INDEX "identity_recovery_addresses_nid_identity_id_idx" ON "identity_recovery_addresses" (identity_id, nid);
-- persistence/sql/migrations/sql/20220118104539000003_identity_fk_indexes.postgres.up.sql
CREATE INDEX "identity_verifiable_addresses_nid_identity_id_idx" ON "identity_verifiable_addresses" (identity_id, nid);
-- persistence/sql/migrations/sql/20220301102701000000_identity_credentials_version.postgres.up.sql
ALTER TABLE identity_credentials ADD version INT NOT NULL DEFAULT '0';
-- persistence/sql/migrations/sql/20220301102701000001_identity_credentials_version.postgres.up.sql

-- persistence/sql/migrations/sql/20220607000001000000_hydra_login_challenge.postgres.up.sql
ALTER TABLE "selfservice_login_flows" ADD COLUMN "oauth2_login_challenge" UUID NULL;
ALTER TABLE "selfservice_registration_flows" ADD COLUMN "oauth2_login_challenge" UUID NULL;

-- persistence/sql/migrations/sql/20220610155809000000_identity_address_casing.postgres.up.sql
UPDATE identity_recovery_addresses SET value = LOWER(value) WHERE TRUE;
UPDATE identity_verifiable_addresses SET value = LOWER(value) WHERE TRUE;

-- persistence/sql/migrations/sql/20230920171028000000_identity_search_index.postgres.up.sql
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX identity_credential_identifiers_nid_identifier_gin ON identity_credential_identifiers USING GIN (nid, identifier gin_trgm_ops);

-- persistence/sql/migrations/sql/20240318143139000000_drop_identity_search_index.postgres.up.sql
DROP INDEX identity_credential_identifiers_nid_identifier_gin;

-- persistence/sql/migrations/sql/20251105000000000003_identity_id_not_null_fks.postgres.up.sql
ALTER TABLE identity_credential_identifiers
    ALTER identity_id SET NOT NULL,
    ADD CONSTRAINT "identity_credential_identifiers_identities_id_fk" FOREIGN KEY (identity_id) REFERENCES identities (id) ON UPDATE RESTRICT ON DELETE CASCADE;


ALTER TABLE session_devices
    ALTER identity_id SET NOT NULL,
    ADD CONSTRAINT "session_devices_identities_id_fk" FOREIGN KEY (identity_id) REFERENCES identities (id) ON UPDATE RESTRICT ON DELETE CASCADE;

-- persistence/sql/migrations/sql/20251105000000000004_identity_id_not_null_fks.postgres.up.sql
CREATE INDEX IF NOT EXISTS identity_credential_identifiers_identities_id_fk_idx ON identity_credential_identifiers (identity_id);
CREATE INDEX IF NOT EXISTS session_devices_identities_id_fk_idx ON session_devices (identity_id);

-- persistence/sql/migrations/sql/20260327101213000000_add_break_glass_to_recovery_addresses.postgres.up.sql
ALTER TABLE identity_recovery_addresses ADD COLUMN IF NOT EXISTS break_glass_for_organization UUID;

-- persistence/sql/migrations/sql/20260506000000000000_add_internal_context_to_recovery_verification_flows.postgres.up.sql
ALTER TABLE "selfservice_recovery_flows" ADD COLUMN IF NOT EXISTS "internal_context" jsonb;
ALTER TABLE "selfservice_verification_flows" ADD COLUMN IF NOT EXISTS "internal_context" jsonb;

