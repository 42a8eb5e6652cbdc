-- The group robots' addresses move from the office's supervision settings to the security admin's
-- outbound settings (issue 19 point 9). The sealed values are copied as they are: they are sealed
-- under "supervision:<organization>:<field>", which does not name the table.
INSERT INTO "outbound_settings" ("organization_id", "wecom_webhook_url", "dingtalk_webhook_url", "dingtalk_secret", "updated_at")
SELECT "organization_id", "wecom_webhook_url", "dingtalk_webhook_url", "dingtalk_secret", "updated_at"
FROM "supervision_settings"
WHERE "wecom_webhook_url" IS NOT NULL OR "dingtalk_webhook_url" IS NOT NULL OR "dingtalk_secret" IS NOT NULL
ON CONFLICT ("organization_id") DO NOTHING;
