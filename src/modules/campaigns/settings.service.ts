import { eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { upsertSchedule } from '../../platform/jobs/index.ts';
import { campaignSettings } from './campaigns.schema.ts';
import type { CampaignSettings, UpdateCampaignSettings } from './campaigns.contract.ts';
import { dailyCron } from './occasions.ts';
import { encryptSecret } from '../../platform/crypto/secrets.ts';
import { encryptPlainColumn } from '../../platform/crypto/encrypt-plain.ts';
import { checkTargetHost, PrivateTargetError, urlHost } from '../../platform/net/private-targets.ts';
import { fieldError } from '../../platform/http/errors.ts';
import { loadConfig } from '../../config.ts';

/** The SMS gateway is an outbound HTTP target chosen by a tenant admin: the same private-network rule as webhooks. */
export async function checkGatewayUrl(url: string): Promise<void> {
  try {
    await checkTargetHost(urlHost(url), { allowPrivate: loadConfig().allowPrivateTargets });
  } catch (e) {
    if (e instanceof PrivateTargetError) throw fieldError('smsGatewayUrl', 'private_target', 422, { host: e.host, address: e.address });
    throw e;
  }
}

export type SettingsRow = typeof campaignSettings.$inferSelect;
export const DAILY_JOB = 'campaigns.daily';
export const dailyScheduleKey = 'campaigns.daily';

/** The tenant's settings row, created with defaults (and a fresh link key) on first use. */
export async function settingsRow(q: Queryable, tenantId: string): Promise<SettingsRow> {
  await q.insert(campaignSettings).values({ tenantId }).onConflictDoNothing();
  const [row] = await q.select().from(campaignSettings).where(eq(campaignSettings.tenantId, tenantId));
  return row;
}

function toSettings(r: SettingsRow): CampaignSettings {
  return {
    capMessages: r.capMessages,
    capWindowDays: r.capWindowDays,
    dailyRunAt: r.dailyRunAt,
    smsGatewayUrl: r.smsGatewayUrl,
    smsAuth: r.smsAuth === 'bearer' ? 'bearer' : 'hmac',
    smsSecretSet: !!r.smsSecret,
    smsSignature: r.smsSignature,
    version: r.version,
  };
}

/** Start-up step: SMS gateway secrets saved in plain text before they were encrypted. */
export function encryptPlainSmsSecrets(db: Queryable): Promise<number> {
  return encryptPlainColumn(db, campaignSettings, [campaignSettings.tenantId], campaignSettings.smsSecret);
}

export async function getCampaignSettings(ctx: Ctx): Promise<CampaignSettings> {
  return toSettings(await settingsRow(ctx.db, ctx.tenantId));
}

/** The daily run in the tenant's zone at the configured local time; re-upserting keeps a pending run. */
export async function scheduleDailyRun(q: Queryable, tenantId: string, timeZone: string, hhmm?: string): Promise<void> {
  const at = hhmm ?? (await settingsRow(q, tenantId)).dailyRunAt;
  await upsertSchedule(q, { tenantId, key: dailyScheduleKey, cron: dailyCron(at), timeZone, jobName: DAILY_JOB });
}

export async function updateCampaignSettings(ctx: Ctx, input: UpdateCampaignSettings): Promise<CampaignSettings> {
  return ctx.tx(async (tx) => {
    await settingsRow(tx, ctx.tenantId);
    const [locked] = await tx.select().from(campaignSettings).where(eq(campaignSettings.tenantId, ctx.tenantId)).for('update');
    const current = checkVersion(locked, input.version, 'campaign_settings');
    const { version: _v, ...fields } = input;
    if (fields.smsGatewayUrl) await checkGatewayUrl(fields.smsGatewayUrl);
    // stored encrypted (platform/crypto), like IMAP passwords and webhook secrets
    if (fields.smsSecret) fields.smsSecret = encryptSecret(fields.smsSecret);
    const [row] = await tx
      .update(campaignSettings)
      .set({ ...fields, version: sql`${campaignSettings.version} + 1`, updatedAt: new Date() })
      .where(eq(campaignSettings.tenantId, ctx.tenantId))
      .returning();
    if (fields.dailyRunAt && fields.dailyRunAt !== current.dailyRunAt) await scheduleDailyRun(tx, ctx.tenantId, ctx.timeZone, fields.dailyRunAt);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'campaign_settings', entityId: ctx.tenantId, before: toSettings(current), after: toSettings(row) });
    return toSettings(row);
  });
}
