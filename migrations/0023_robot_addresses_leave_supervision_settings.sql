ALTER TABLE "supervision_settings" DROP COLUMN "wecom_webhook_url";--> statement-breakpoint
ALTER TABLE "supervision_settings" DROP COLUMN "dingtalk_webhook_url";--> statement-breakpoint
ALTER TABLE "supervision_settings" DROP COLUMN "dingtalk_secret";