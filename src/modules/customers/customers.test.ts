import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows, type Tx } from '../../platform/db/db.ts';
import { customers } from './customers.schema.ts';
import { consentState, grantConsent, hasMarketingConsent, withdrawConsent } from './customers.consent.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';

let t: TestApp;
let sales: Session;
let analyst: Session;
let enSales: Session;
beforeAll(async () => {
  t = await createTestApp();
  const tenant = await createTenant(t.database);
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales'], { locale: 'zh-CN' }));
  enSales = await signIn(t.app, await createUser(t.database, tenant, ['sales'], { locale: 'en' }));
  analyst = await signIn(t.app, await createUser(t.database, tenant, ['analyst']));
});
afterAll(() => t.close());

const create = (s: Session, body: object, headers: Record<string, string> = {}) => s.request({ method: 'POST', url: '/api/v1/customers', payload: body, headers });

describe('customers: create, read, update', () => {
  it('creates an individual with identities, address, consent and note; normalises phones and e-mails', async () => {
    const res = await create(sales, {
      name: '王晓明',
      gender: 'male',
      birthday: '1988-02-29',
      phones: ['138-0013-8001', '010-12345678'],
      emails: ['Wang.XM@Example.cn'],
      externalIds: ['WeChat:o6_wang'],
      addresses: [{ province: '北京市', city: '北京市', district: '朝阳区', street: '建国路 88 号', postalCode: '100022' }],
      consents: [{ channel: 'sms', granted: true, source: 'form' }],
      tags: ['家电', '家电', '老客户'],
      preferences: { contactTime: 'evening' },
      note: '喜欢晚上联系',
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.identities).toEqual(
      expect.arrayContaining([
        { kind: 'phone', value: '+8613800138001' },
        { kind: 'phone', value: '+861012345678' },
        { kind: 'email', value: 'wang.xm@example.cn' },
        { kind: 'external', value: 'wechat:o6_wang' },
      ]),
    );
    expect(c.tags).toEqual(['家电', '老客户']);
    expect(c.version).toBe(1);
    const addresses = (await sales.request({ method: 'GET', url: `/api/v1/customers/${c.id}/addresses` })).json();
    expect(addresses).toMatchObject([{ province: '北京市', district: '朝阳区', isDefault: true }]);
    const consents = (await sales.request({ method: 'GET', url: `/api/v1/customers/${c.id}/consents` })).json();
    expect(consents).toMatchObject([{ channel: 'sms', granted: true, source: 'form' }]);
    const notes = (await sales.request({ method: 'GET', url: `/api/v1/customers/${c.id}/notes` })).json();
    expect(notes[0].body).toBe('喜欢晚上联系');
    const audit = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log where entity_type = 'customer' and entity_id = ${c.id} and action = 'created'`);
    expect(audit[0].n).toBe(1);
    const events = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from outbox_events where type = 'customer.created' and entity_id = ${c.id}`);
    expect(events[0].n).toBe(1);
  });

  it('reports bad fields in the user’s language (zh-CN and en), with their paths', async () => {
    const body = { name: '', phones: ['12345'], emails: ['not-mail'], externalIds: ['member-42'], birthday: '2999-01-01' };
    const zh = await create(sales, body);
    expect(zh.statusCode).toBe(400);
    expect(zh.json().fieldErrors.map((f: { path: string }) => f.path)).toContain('name');
    const zhOk = await create(sales, { ...body, name: '李四' });
    expect(zhOk.statusCode).toBe(422);
    const zhErrors = Object.fromEntries(zhOk.json().fieldErrors.map((f: { path: string; message: string }) => [f.path, f.message]));
    expect(zhErrors['phones.0']).toMatch(/电话/);
    expect(zhErrors['emails.0']).toMatch(/邮箱|电子邮件/);
    expect(zhErrors['externalIds.0']).toMatch(/外部编号/);
    expect(zhErrors.birthday).toMatch(/生日/);
    const en = await create(enSales, { ...body, name: 'Li Si' });
    const enErrors = Object.fromEntries(en.json().fieldErrors.map((f: { path: string; message: string }) => [f.path, f.message]));
    expect(enErrors['phones.0']).toBe('This is not a valid phone number.');
    expect(enErrors.birthday).toMatch(/birthday/i);
    const badCompany = await create(enSales, { name: 'Li Si', companyId: '00000000-0000-4000-8000-000000000001' });
    expect(badCompany.statusCode).toBe(422);
    expect(badCompany.json().fieldErrors[0].path).toBe('companyId');
  });

  it('updates with optimistic concurrency, rewrites the name index, and links contacts to a company', async () => {
    const company = (await create(sales, { kind: 'company', name: '华东电器贸易有限公司', phones: ['021-61234567'] })).json();
    const person = (await create(sales, { name: '赵一', companyId: company.id })).json();
    expect(person.companyId).toBe(company.id);
    const upd = await sales.request({ method: 'PATCH', url: `/api/v1/customers/${person.id}`, payload: { version: 1, name: '赵一鸣', language: 'en' } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ name: '赵一鸣', language: 'en', version: 2 });
    const stale = await sales.request({ method: 'PATCH', url: `/api/v1/customers/${person.id}`, payload: { version: 1, name: '赵二' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(2);
    const found = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('一鸣')}` })).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([person.id]);
    expect(found.items[0].companyName).toBe('华东电器贸易有限公司');
    const old = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('赵一')}` })).json();
    expect(old.items.map((c: { id: string }) => c.id)).toEqual([person.id]);
    const contacts = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?companyId=${company.id}` })).json();
    expect(contacts.items).toHaveLength(1);
    const demote = await sales.request({ method: 'PATCH', url: `/api/v1/customers/${company.id}`, payload: { version: 1, kind: 'individual' } });
    expect(demote.statusCode).toBe(422);
    expect(demote.json().fieldErrors[0].path).toBe('kind');
  });

  it('manages identities, addresses, consents and notes of a customer', async () => {
    const c = (await create(sales, { name: '钱多多' })).json();
    const added = await sales.request({ method: 'POST', url: `/api/v1/customers/${c.id}/identities`, payload: { kind: 'phone', value: '0755-8888 8888' } });
    expect(added.json().identities).toEqual([{ kind: 'phone', value: '+8675588888888' }]);
    const addr = (await sales.request({ method: 'POST', url: `/api/v1/customers/${c.id}/addresses`, payload: { province: '广东省', city: '深圳市', street: '深南大道 1 号' } })).json();
    expect(addr.isDefault).toBe(true);
    const second = (await sales.request({ method: 'POST', url: `/api/v1/customers/${c.id}/addresses`, payload: { province: '广东省', city: '广州市', street: '天河路 2 号', isDefault: true } })).json();
    const list = (await sales.request({ method: 'GET', url: `/api/v1/customers/${c.id}/addresses` })).json();
    expect(list.map((a: { id: string; isDefault: boolean }) => [a.id, a.isDefault])).toEqual([
      [second.id, true],
      [addr.id, false],
    ]);
    const byCity = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?city=${encodeURIComponent('深圳市')}` })).json();
    expect(byCity.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await sales.request({ method: 'DELETE', url: `/api/v1/customers/${c.id}/addresses/${addr.id}` })).statusCode).toBe(204);
    const consent = await sales.request({ method: 'PUT', url: `/api/v1/customers/${c.id}/consents`, payload: { channel: 'email', granted: false, source: 'phone_call' } });
    expect(consent.json()).toMatchObject([{ channel: 'email', granted: false, source: 'phone_call' }]);
    const note = (await sales.request({ method: 'POST', url: `/api/v1/customers/${c.id}/notes`, payload: { body: '回访满意' } })).json();
    expect((await sales.request({ method: 'DELETE', url: `/api/v1/customers/${c.id}/notes/${note.id}` })).statusCode).toBe(204);
    const removed = await sales.request({ method: 'DELETE', url: `/api/v1/customers/${c.id}/identities?kind=phone&value=${encodeURIComponent('+8675588888888')}` });
    expect(removed.json().identities).toEqual([]);
    const actions = await rows<{ action: string }>(t.database.db, sql`select action from audit_log where entity_id = ${c.id} order by id`);
    expect(actions.map((a) => a.action)).toEqual(['created', 'identity_added', 'address_added', 'address_added', 'address_removed', 'consent_changed', 'note_added', 'note_removed', 'identity_removed']);
  });

  it('replays an idempotent create instead of creating twice', async () => {
    const headers = { 'idempotency-key': 'create-sun-1' };
    const a = await create(sales, { name: '孙悟空', phones: ['13900139000'] }, headers);
    const b = await create(sales, { name: '孙悟空', phones: ['13900139000'] }, headers);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
  });
});

describe('duplicate detection', () => {
  it('answers 409 naming the existing customer and the identity that matched, unless the caller resolves it', async () => {
    const first = (await create(sales, { name: '周杰', phones: ['13700137000'], emails: ['zhou@example.cn'] })).json();
    const dup = await create(enSales, { name: 'Zhou Jie', phones: ['+86 137 0013 7000'] });
    expect(dup.statusCode).toBe(409);
    const body = dup.json();
    expect(body.code).toBe('duplicate_customer');
    expect(body.duplicates).toEqual([{ customerId: first.id, name: '周杰', matched: [{ kind: 'phone', value: '+8613700137000' }] }]);
    expect(body.fieldErrors).toEqual([{ path: 'phones.0', code: 'errors.identity_taken', message: 'Already belongs to customer 周杰.' }]);
    const byMail = await create(sales, { name: '周', emails: ['ZHOU@example.cn'] });
    expect(byMail.json().duplicates[0].matched).toEqual([{ kind: 'email', value: 'zhou@example.cn' }]);
    expect(byMail.json().message).toContain('周杰');

    const existing = await create(sales, { name: 'Zhou Jie', phones: ['13700137000'], onDuplicate: 'use_existing' });
    expect(existing.statusCode).toBe(200);
    expect(existing.json().id).toBe(first.id);
    const separate = await create(sales, { name: '周杰', phones: ['13700137000', '13700137001'], onDuplicate: 'create_without_duplicates' });
    expect(separate.statusCode).toBe(201);
    expect(separate.json().identities).toEqual([{ kind: 'phone', value: '+8613700137001' }]);

    const warn = (await sales.request({ method: 'GET', url: `/api/v1/customers/duplicates?phone=13700137000&name=${encodeURIComponent('周杰')}` })).json();
    expect(warn.find((d: { customerId: string }) => d.customerId === first.id)).toMatchObject({ sameName: true, matched: [{ kind: 'phone' }] });
    expect(warn.find((d: { customerId: string }) => d.customerId === separate.json().id)).toMatchObject({ sameName: true, matched: [] });
    const possible = (await sales.request({ method: 'GET', url: `/api/v1/customers/${first.id}/possible-duplicates` })).json();
    expect(possible.map((d: { customerId: string }) => d.customerId)).toEqual([separate.json().id]);

    const taken = await sales.request({ method: 'POST', url: `/api/v1/customers/${separate.json().id}/identities`, payload: { kind: 'email', value: 'zhou@example.cn' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().duplicates[0].customerId).toBe(first.id);
  });
});

describe('list, search and export', () => {
  it('finds two-character Chinese name fragments and filters by tier, tag and kind', async () => {
    const a = (await create(sales, { name: '欧阳娜娜', tags: ['演示'] })).json();
    await create(sales, { name: '欧阳修', kind: 'company' });
    const q = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('娜娜')}` })).json();
    expect(q.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const ouyang = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('欧阳')}&kind=individual` })).json();
    expect(ouyang.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const tag = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?tag=${encodeURIComponent('演示')}&tier=regular,vip` })).json();
    expect(tag.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const lookup = (await sales.request({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent('娜娜')}` })).json();
    expect(lookup.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const page1 = (await sales.request({ method: 'GET', url: '/api/v1/customers/list?limit=2' })).json();
    const page2 = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?limit=2&cursor=${page1.nextCursor}` })).json();
    expect(page1.items).toHaveLength(2);
    expect(page2.items[0].id).not.toBe(page1.items[1].id);
  });

  it('looks a phone number up among identities only: a matching phone is the answer, digits are not a name', async () => {
    const created = await create(sales, { name: '号码主人', phones: ['16612345670'] });
    expect(created.statusCode, created.body).toBe(201);
    const owner = created.json();
    // a name with the same digits in it: found by its name's words, not by a phone lookup
    const namesake = (await create(sales, { name: '16612345670 号码牌' })).json();
    const byPhone = (await sales.request({ method: 'GET', url: '/api/v1/customers?q=16612345670' })).json();
    expect(byPhone.map((c: { id: string }) => c.id)).toEqual([owner.id]);
    expect((await sales.request({ method: 'GET', url: '/api/v1/customers?q=16612345679' })).json()).toEqual([]);
    const byName = (await sales.request({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent('号码牌')}` })).json();
    expect(byName.map((c: { id: string }) => c.id)).toEqual([namesake.id]);
  });

  it('exports the filtered list as CSV with BOM and Chinese headers, and as XLSX', async () => {
    const csv = await sales.request({ method: 'GET', url: `/api/v1/customers/export?format=csv&q=${encodeURIComponent('娜娜')}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toContain('姓名/名称');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('欧阳娜娜');
    const xlsx = await sales.request({ method: 'GET', url: '/api/v1/customers/export?format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('access', () => {
  it('lets an analyst read but not write', async () => {
    const c = (await create(sales, { name: '只读测试' })).json();
    expect((await analyst.request({ method: 'GET', url: `/api/v1/customers/${c.id}` })).statusCode).toBe(200);
    expect((await analyst.request({ method: 'GET', url: '/api/v1/customers/list' })).statusCode).toBe(200);
    expect((await create(analyst, { name: '不许' })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { version: 1, name: 'x' } })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'POST', url: `/api/v1/customers/${c.id}/notes`, payload: { body: 'x' } })).statusCode).toBe(403);
  });

  it('never shows one tenant’s customers to another (404 on every endpoint with an id, nothing in lists)', async () => {
    const c = (await create(sales, { name: '隔离客户', phones: ['13600136000'] })).json();
    const intruder = await sessionWithRoles(t, ['admin']);
    const list = (await intruder.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('隔离')}` })).json();
    expect(list.items).toEqual([]);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/customers?q=13600136000' })).json()).toEqual([]);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/customers/duplicates?phone=13600136000' })).json()).toEqual([]);
    const other = await create(intruder, { name: '隔离客户', phones: ['13600136000'] });
    expect(other.statusCode).toBe(201);
    const address = { province: '上海市', city: '上海市', street: '1 号' };
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/customers/', c.id, {
      'POST /api/v1/customers/{id}/identities': { body: { kind: 'phone', value: '13500135000' } },
      'DELETE /api/v1/customers/{id}/identities': { query: 'kind=phone&value=%2B8613600136000' },
      'POST /api/v1/customers/{id}/addresses': { body: address },
      'PUT /api/v1/customers/{id}/addresses/{addressId}': { body: address },
      'PUT /api/v1/customers/{id}/consents': { body: { channel: 'sms', granted: true } },
      'POST /api/v1/customers/{id}/notes': { body: { body: 'x' } },
      'POST /api/v1/customers/{id}/merge': { body: { mergeId: other.json().id, version: 1 } },
      'POST /api/v1/customers/{id}/tier-override': { body: { tier: 'vip', reason: 'x' } },
      'PUT /api/v1/customers/{id}/tier-override': { body: { tier: 'vip', reason: 'x' } },
      'DELETE /api/v1/customers/{id}/tier-override': { query: 'reason=x' },
    });
  });
});

describe('consent service for other modules (unsubscribe links, follow-up calls)', () => {
  it('withdraws and grants like a change on the customer page; repeats change nothing; a merged id acts on the survivor', async () => {
    const tn = await createTenant(t.database);
    const db = t.database.db;
    const [keep] = await db.insert(customers).values({ tenantId: tn.id, name: '留存' }).returning({ id: customers.id });
    const [gone] = await db.insert(customers).values({ tenantId: tn.id, name: '已合并', mergedIntoId: keep.id }).returning({ id: customers.id });
    const inTx = <T>(fn: (tx: Tx) => Promise<T>) => db.transaction(fn);
    expect(await consentState(db, tn.id, keep.id, 'phone')).toBe('none');
    expect(await hasMarketingConsent(db, tn.id, keep.id, 'email')).toBe(false);
    expect(await inTx((tx) => grantConsent(tx, tn.ctx, keep.id, 'email', 'form'))).toBe(true);
    expect(await hasMarketingConsent(db, tn.id, keep.id, 'email')).toBe(true);
    expect(await inTx((tx) => grantConsent(tx, tn.ctx, keep.id, 'email', 'form'))).toBe(false);
    expect(await inTx((tx) => withdrawConsent(tx, tn.ctx, gone.id, 'email', 'unsubscribe_link'))).toBe(true);
    expect(await consentState(db, tn.id, keep.id, 'email')).toBe('withdrawn');
    expect(await hasMarketingConsent(db, tn.id, keep.id, 'email')).toBe(false);
    expect(await inTx((tx) => withdrawConsent(tx, tn.ctx, keep.id, 'email', 'unsubscribe_link'))).toBe(false);
    expect(await inTx((tx) => withdrawConsent(tx, tn.ctx, '00000000-0000-4000-8000-000000000000', 'email', 'unsubscribe_link'))).toBe(false);
    const audit = await rows<{ action: string; entity_type: string; entity_id: string; after: { granted: boolean; source: string } }>(
      db,
      sql`select action, entity_type, entity_id, after from audit_log where tenant_id = ${tn.id} order by id`,
    );
    expect(audit.map((a) => [a.action, a.entity_type, a.entity_id, a.after.granted, a.after.source])).toEqual([
      ['consent_changed', 'customer', keep.id, true, 'form'],
      ['consent_changed', 'customer', keep.id, false, 'unsubscribe_link'],
    ]);
    const events = await rows<{ n: number | string }>(db, sql`select count(*) as n from outbox_events where tenant_id = ${tn.id} and type = 'customer.consent_changed' and entity_id = ${keep.id}`);
    expect(Number(events[0].n)).toBe(2);
    const [row] = await db.select({ version: customers.version }).from(customers).where(eq(customers.id, keep.id));
    expect(row.version).toBe(3);
  });
});
