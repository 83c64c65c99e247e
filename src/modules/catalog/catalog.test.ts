import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';

let t: TestApp;
let admin: Session;
let agent: Session;
let intruder: Session;
beforeAll(async () => {
  t = await createTestApp();
  const tenant = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin'], { locale: 'en' }));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent'], { locale: 'zh-CN' }));
  intruder = await sessionWithRoles(t, ['admin']);
}, 180_000); // a fresh migrated database is slow on a busy 2-core machine
afterAll(() => t.close());

const post = (s: Session, url: string, payload: object) => s.request({ method: 'POST', url, payload });

describe('catalog', () => {
  let acId: string;
  let productId: string;

  it('creates categories and products; the effective warranty is the override, else the category', async () => {
    const ac = await post(admin, '/api/v1/catalog/categories', { code: 'ac', nameZh: '空调', nameEn: 'Air conditioners', warrantyMonths: 72 });
    expect(ac.statusCode).toBe(201);
    acId = ac.json().id;
    const split = await post(admin, '/api/v1/catalog/categories', { code: 'ac-split', nameZh: '分体空调', nameEn: 'Split AC', parentId: acId, warrantyMonths: 36 });
    expect(split.json().parentId).toBe(acId);

    const p = await post(admin, '/api/v1/catalog/products', { sku: 'AC-KFR35', name: '变频空调 1.5 匹', nameEn: 'Inverter AC 1.5 HP', model: 'KFR-35GW', brand: '格力', categoryId: acId, serialTracked: true, priceFen: 329900, costFen: 250000 });
    expect(p.statusCode).toBe(201);
    productId = p.json().id;
    expect(p.json()).toMatchObject({ warrantyMonths: null, effectiveWarrantyMonths: 72, categoryCode: 'ac', categoryNameZh: '空调', serialTracked: true, priceFen: 329900, costFen: 250000 });

    const q = await post(admin, '/api/v1/catalog/products', { sku: 'AC-KFR26', name: '空调 1 匹', model: 'KFR-26GW', categoryId: acId, warrantyMonths: 12 });
    expect(q.json()).toMatchObject({ warrantyMonths: 12, effectiveWarrantyMonths: 12, costFen: null, priceFen: 0 });
    const none = await post(admin, '/api/v1/catalog/products', { sku: 'REMOTE-1', name: '遥控器' });
    expect(none.json().effectiveWarrantyMonths).toBe(0);

    const cats = (await admin.request({ method: 'GET', url: '/api/v1/catalog/categories' })).json();
    expect(cats.find((c: { code: string }) => c.code === 'ac').productCount).toBe(2);
  });

  it('rejects bad input with field errors in the caller language', async () => {
    const dupEn = await post(admin, '/api/v1/catalog/products', { sku: 'AC-KFR35', name: 'x' });
    expect(dupEn.statusCode).toBe(409);
    expect(dupEn.json().fieldErrors).toEqual([{ path: 'sku', code: 'errors.sku_taken', message: 'Another product already uses this SKU.' }]);
    const cat = await post(admin, '/api/v1/catalog/products', { sku: 'X-1', name: 'x', categoryId: '00000000-0000-4000-8000-000000000001' });
    expect(cat.statusCode).toBe(422);
    expect(cat.json().fieldErrors[0].path).toBe('categoryId');
    const neg = await post(admin, '/api/v1/catalog/products', { sku: 'X-2', name: 'x', priceFen: -1 });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().fieldErrors[0].path).toBe('priceFen');
    const cycle = await admin.request({ method: 'PATCH', url: `/api/v1/catalog/categories/${acId}`, payload: { version: 1, parentId: acId } });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().fieldErrors[0].code).toBe('errors.category_cycle');
    const codeTaken = await post(admin, '/api/v1/catalog/categories', { code: 'ac', nameZh: '重复', nameEn: 'dup' });
    expect(codeTaken.statusCode).toBe(409);
    // agent reads in Chinese and may not manage the catalogue
    const denied = await post(agent, '/api/v1/catalog/products', { sku: 'X-3', name: 'x' });
    expect(denied.statusCode).toBe(403);
    const inUse = await agent.request({ method: 'GET', url: `/api/v1/catalog/products?q=KFR` });
    expect(inUse.statusCode).toBe(200);
  });

  it('updates with optimistic concurrency and deactivates instead of deleting', async () => {
    const upd = await admin.request({ method: 'PATCH', url: `/api/v1/catalog/products/${productId}`, payload: { version: 1, warrantyMonths: 24, active: false } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ version: 2, warrantyMonths: 24, effectiveWarrantyMonths: 24, active: false });
    const stale = await admin.request({ method: 'PATCH', url: `/api/v1/catalog/products/${productId}`, payload: { version: 1, name: 'late' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(2);
    const del = await admin.request({ method: 'DELETE', url: `/api/v1/catalog/categories/${acId}?version=1` });
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe('category_in_use');
  });

  it('lists with filters and search by SKU, name or model, and exports the filtered rows', async () => {
    const byModel = (await admin.request({ method: 'GET', url: '/api/v1/catalog/products?q=kfr-26' })).json();
    expect(byModel.items.map((p: { sku: string }) => p.sku)).toEqual(['AC-KFR26']);
    const byName = (await admin.request({ method: 'GET', url: `/api/v1/catalog/products?q=${encodeURIComponent('遥控')}` })).json();
    expect(byName.items.map((p: { sku: string }) => p.sku)).toEqual(['REMOTE-1']);
    const inactive = (await admin.request({ method: 'GET', url: `/api/v1/catalog/products?active=false&categoryId=${acId}` })).json();
    expect(inactive.items.map((p: { sku: string }) => p.sku)).toEqual(['AC-KFR35']);
    const paged = (await admin.request({ method: 'GET', url: '/api/v1/catalog/products?limit=2' })).json();
    expect(paged.items).toHaveLength(2);
    const rest = (await admin.request({ method: 'GET', url: `/api/v1/catalog/products?limit=2&cursor=${paged.nextCursor}` })).json();
    expect(rest.items.map((p: { sku: string }) => p.sku)).toEqual(['REMOTE-1']);

    const csv = await agent.request({ method: 'GET', url: `/api/v1/catalog/products/export?format=csv&categoryId=${acId}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.body.slice(1).trim().split('\n');
    expect(lines[0]).toContain('型号');
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain('3299');
  });

  it("never shows one tenant's catalogue to another", async () => {
    expect(await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/catalog/products', productId)).toBeGreaterThan(0);
    expect(await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/catalog/categories', acId)).toBeGreaterThan(0);
    const list = (await intruder.request({ method: 'GET', url: '/api/v1/catalog/products' })).json();
    expect(list.items).toHaveLength(0);
  });
});
