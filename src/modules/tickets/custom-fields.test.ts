import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';

let t: TestApp;
let admin: Session;
let agent: Session;
let modelId: string;
const en = { 'accept-language': 'en' };
const zh = { 'accept-language': 'zh-CN' };

const channelField = {
  key: 'purchaseChannel',
  labelZh: '购买渠道',
  labelEn: 'Purchase channel',
  fieldType: 'select',
  options: [
    { value: 'online', labelZh: '线上', labelEn: 'Online' },
    { value: 'store', labelZh: '门店', labelEn: 'Store' },
  ],
  required: true,
  ticketTypes: ['repair'],
  position: 20,
};

beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  agent = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['agent']));
  const defs = [
    { key: 'productModel', labelZh: '产品型号', labelEn: 'Product model', fieldType: 'text', required: true, ticketTypes: ['repair', 'maintenance'], position: 10 },
    channelField,
    { key: 'purchaseDate', labelZh: '购买日期', labelEn: 'Purchase date', fieldType: 'date', position: 30 },
    { key: 'visits', labelZh: '上门次数', labelEn: 'Visits', fieldType: 'number', ticketTypes: ['repair'], position: 40 },
    { key: 'symptoms', labelZh: '故障现象', labelEn: 'Symptoms', fieldType: 'multiselect', options: [{ value: 'noise', labelZh: '噪音', labelEn: 'Noise' }, { value: 'leak', labelZh: '漏水', labelEn: 'Leak' }], position: 50 },
    { key: 'consent', labelZh: '同意上门', labelEn: 'Agrees to a visit', fieldType: 'checkbox', ticketTypes: ['maintenance'], required: true, position: 60 },
  ];
  for (const d of defs) {
    const res = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: d });
    expect(res.statusCode, res.body).toBe(201);
    if (d.key === 'productModel') modelId = res.json().id;
  }
});
afterAll(() => t.close());

const createTicket = (s: Session, body: object, headers: Record<string, string> = en) => s.request({ method: 'POST', url: '/api/v1/tickets', payload: body, headers });
const errorsOf = (res: { json: () => { fieldErrors?: { path: string; message: string }[] } }) => Object.fromEntries((res.json().fieldErrors ?? []).map((f) => [f.path, f.message]));

describe('field definitions', () => {
  it('lists the fields of a type in form order; agents read them', async () => {
    const repair = (await agent.request({ method: 'GET', url: '/api/v1/ticket-fields?type=repair' })).json();
    expect(repair.map((d: { key: string }) => d.key)).toEqual(['productModel', 'purchaseChannel', 'purchaseDate', 'visits', 'symptoms']);
    const inquiry = (await agent.request({ method: 'GET', url: '/api/v1/ticket-fields?type=inquiry' })).json();
    expect(inquiry.map((d: { key: string }) => d.key)).toEqual(['purchaseDate', 'symptoms']);
  });

  it('refuses a taken key (any case), choice fields without options and options on other fields', async () => {
    const dup = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', headers: en, payload: { ...channelField, key: 'PurchaseChannel' } });
    expect(dup.statusCode).toBe(409);
    expect(errorsOf(dup).key).toBe('Another field already uses this key.');
    const noOptions = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', headers: zh, payload: { ...channelField, key: 'other', options: [] } });
    expect(noOptions.statusCode).toBe(422);
    expect(errorsOf(noOptions).options).toBe('选择类字段至少需要一个选项。');
    const textWithOptions = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', headers: en, payload: { ...channelField, key: 'other', fieldType: 'text' } });
    expect(textWithOptions.statusCode).toBe(422);
    const twice = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', headers: en, payload: { ...channelField, key: 'other', options: [channelField.options[0], channelField.options[0]] } });
    expect(Object.keys(errorsOf(twice))).toEqual(['options.1.value']);
    const badKey = await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: { ...channelField, key: '1 bad key' } });
    expect(badKey.statusCode).toBe(400);
  });

  it('agents cannot create or change definitions', async () => {
    const post = await agent.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: { ...channelField, key: 'agentField' } });
    expect(post.statusCode).toBe(403);
    const patch = await agent.request({ method: 'PATCH', url: `/api/v1/ticket-fields/${modelId}`, payload: { version: 1, required: false } });
    expect(patch.statusCode).toBe(403);
    const manager = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['manager']));
    const byManager = await manager.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: { key: 'managerNote', labelZh: '主管备注', labelEn: 'Manager note', fieldType: 'textarea', active: false } });
    expect(byManager.statusCode).toBe(201);
  });

  it('changes a definition with the version read (409 when stale) and writes audit and outbox rows', async () => {
    const created = (await admin.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: { key: 'colour', labelZh: '颜色', labelEn: 'Colour', fieldType: 'text' } })).json();
    const ok = await admin.request({ method: 'PATCH', url: `/api/v1/ticket-fields/${created.id}`, payload: { version: 1, labelEn: 'Color', active: false } });
    expect(ok.json()).toMatchObject({ labelEn: 'Color', active: false, version: 2 });
    const stale = await admin.request({ method: 'PATCH', url: `/api/v1/ticket-fields/${created.id}`, payload: { version: 1, labelEn: 'Colour' } });
    expect(stale.statusCode).toBe(409);
    const all = (await admin.request({ method: 'GET', url: '/api/v1/ticket-fields?activeOnly=false' })).json();
    expect(all.find((d: { key: string }) => d.key === 'colour').active).toBe(false);
    const active = (await admin.request({ method: 'GET', url: '/api/v1/ticket-fields' })).json();
    expect(active.map((d: { key: string }) => d.key)).not.toContain('colour');
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from outbox_events where entity_id = ${created.id} and type in ('ticket_field.created', 'ticket_field.updated')`);
    expect(n).toBe(2);
    const [{ a }] = await rows<{ a: number }>(t.database.db, sql`select count(*)::int as a from audit_log where entity_id = ${created.id}`);
    expect(a).toBe(2);
    // a retired field's key is refused on new tickets
    const retired = await createTicket(agent, { subject: 'x', customFields: { colour: 'red' } });
    expect(errorsOf(retired)['customFields.colour']).toBe('This field is not defined for tickets of this type.');
  });
});

describe('ticket values', () => {
  it('creates a repair ticket with valid values', async () => {
    const res = await createTicket(agent, {
      subject: '洗衣机漏水',
      type: 'repair',
      customFields: { productModel: 'XQG100-A1', purchaseChannel: 'online', purchaseDate: '2026-03-01', visits: 1, symptoms: ['leak', 'noise'], region: '广东' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().customFields).toMatchObject({ purchaseChannel: 'online', symptoms: ['leak', 'noise'] });
  });

  it('enforces required fields, types and options with one error per key in the caller language', async () => {
    const res = await createTicket(agent, { subject: 'bad', type: 'repair', customFields: { purchaseChannel: 'tmall', purchaseDate: '2026-02-30', visits: 'two', symptoms: ['leak', 'smoke'], shoeSize: 42 } }, en);
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual({
      'customFields.productModel': 'This field is required.',
      'customFields.purchaseChannel': 'Choose one of: Online, Store.',
      'customFields.purchaseDate': 'Enter a date as YYYY-MM-DD.',
      'customFields.visits': 'Enter a number.',
      'customFields.symptoms': 'Choose one of: Noise, Leak.',
      'customFields.shoeSize': 'This field is not defined for tickets of this type.',
    });
    const zhRes = await createTicket(agent, { subject: 'bad', type: 'repair', customFields: { productModel: 'A', purchaseChannel: 'tmall' } }, zh);
    expect(errorsOf(zhRes)).toEqual({ 'customFields.purchaseChannel': '请从以下选项中选择：线上、门店。' });
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from tickets where subject = 'bad'`);
    expect(n).toBe(0);
  });

  it('applies fields by ticket type: a repair-only field is unknown on an inquiry; a required checkbox must be ticked', async () => {
    const inquiry = await createTicket(agent, { subject: 'q', type: 'inquiry', customFields: { visits: 2 } });
    expect(Object.keys(errorsOf(inquiry))).toEqual(['customFields.visits']);
    expect((await createTicket(agent, { subject: 'q', type: 'inquiry' })).statusCode).toBe(201);
    const unticked = await createTicket(agent, { subject: 'm', type: 'maintenance', customFields: { productModel: 'A', consent: false } });
    expect(errorsOf(unticked)).toEqual({ 'customFields.consent': 'This box must be ticked.' });
    expect((await createTicket(agent, { subject: 'm', type: 'maintenance', customFields: { productModel: 'A', consent: true } })).statusCode).toBe(201);
  });

  it('checks changed values on update, keeps unchanged legacy values, refuses clearing a required field', async () => {
    const tk = (await createTicket(agent, { subject: 'upd', type: 'repair', customFields: { productModel: 'M1', purchaseChannel: 'store' } })).json();
    // a value written before any definition existed (e-mail, import): stays editable around it
    await t.database.db.execute(sql`update tickets set custom_fields = custom_fields || '{"legacyRef":"ABC"}'::jsonb where id = ${tk.id}`);
    const patch = (version: number, customFields: object, extra: object = {}) => agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, headers: en, payload: { version, customFields, ...extra } });
    const ok = await patch(1, { productModel: 'M2', purchaseChannel: 'store', legacyRef: 'ABC' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().customFields).toEqual({ productModel: 'M2', purchaseChannel: 'store', legacyRef: 'ABC' });
    const changedLegacy = await patch(2, { productModel: 'M2', purchaseChannel: 'store', legacyRef: 'XYZ' });
    expect(errorsOf(changedLegacy)).toEqual({ 'customFields.legacyRef': 'This field is not defined for tickets of this type.' });
    const cleared = await patch(2, { productModel: '', purchaseChannel: 'store' });
    expect(errorsOf(cleared)).toEqual({ 'customFields.productModel': 'This field is required.' });
    const removed = await patch(2, { purchaseChannel: 'store' });
    expect(errorsOf(removed)).toEqual({ 'customFields.productModel': 'This field is required.' });
    const badOption = await patch(2, { productModel: 'M2', purchaseChannel: 'mall' });
    expect(Object.keys(errorsOf(badOption))).toEqual(['customFields.purchaseChannel']);
    // the type the ticket changes to decides: visits is a repair field
    const toInquiry = await patch(2, { productModel: 'M2', purchaseChannel: 'store', visits: 3 }, { type: 'inquiry' });
    expect(Object.keys(errorsOf(toInquiry))).toEqual(['customFields.visits']);
    // changes without customFields are not checked
    expect((await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: 2, priority: 'p2' } })).statusCode).toBe(200);
  });

  it('checks values without saving', async () => {
    const good = await agent.request({ method: 'POST', url: '/api/v1/ticket-fields/check', payload: { type: 'repair', customFields: { productModel: 'A', purchaseChannel: 'online' } } });
    expect(good.statusCode).toBe(204);
    const bad = await agent.request({ method: 'POST', url: '/api/v1/ticket-fields/check', headers: en, payload: { type: 'repair', customFields: { purchaseChannel: 'online' }, previous: { productModel: 'A' } } });
    expect(errorsOf(bad)).toEqual({ 'customFields.productModel': 'This field is required.' });
  });
});

describe('tenant isolation', () => {
  it("keeps another tenant's definitions out of reach and out of its tickets", async () => {
    const other = await sessionWithRoles(t, ['admin'], await createTenant(t.database, { defaultLocale: 'en' }));
    await expectOtherTenantsIdsToBe404(t.app, other, '/api/v1/ticket-fields', modelId, { 'PATCH /api/v1/ticket-fields/{id}': { body: { version: 1, labelEn: 'x' } } });
    expect((await other.request({ method: 'GET', url: '/api/v1/ticket-fields?activeOnly=false' })).json()).toEqual([]);
    // the same key is free in the other tenant, and the first tenant's required field does not apply there
    expect((await other.request({ method: 'POST', url: '/api/v1/ticket-fields', payload: { ...channelField, required: false } })).statusCode).toBe(201);
    const tk = await createTicket(other, { subject: 'repair elsewhere', type: 'repair', customFields: { purchaseChannel: 'store' } });
    expect(tk.statusCode, tk.body).toBe(201);
    const foreign = await createTicket(other, { subject: 'x', type: 'repair', customFields: { productModel: 'A' } });
    expect(Object.keys(errorsOf(foreign))).toEqual(['customFields.productModel']);
  });
});
