/**
 * Synthetic helpdesk history for the tickets benchmark: NDJSON lines in the import format, generated lazily
 * (a million tickets never sit in memory) and deterministically (a seeded PRNG), so two runs load the same data.
 * The vocabulary is varied on purpose: a searched word occurs in about 1 ticket in 40, as a real word would,
 * instead of in every ticket (which would measure ranking the whole tenant, not search).
 */
export const zhPhrases = [
  '冰箱不制冷', '洗衣机漏水', '空调异响', '热水器点不着火', '油烟机噪音大', '电视黑屏', '微波炉不加热', '净水器滤芯更换', '燃气灶打不着',
  '烤箱温度不准', '洗碗机排水慢', '扫地机器人迷路', '吸尘器吸力弱', '电饭煲跳闸', '压缩机异响', '门封条老化', '遥控器失灵', '安装预约',
  '发票补开', '退货申请', '配件缺货', '上门时间改约', '保修期查询', '显示屏花屏', '风扇不转', '水龙头滴水', '面板按键失灵', '加湿器漏电',
  '除湿机结冰', '消毒柜门坏', '电磁炉报错', '咖啡机堵塞', '空气净化器异味', '冷柜结霜', '地暖不热', '投影仪模糊', '门锁没电', '音箱杂音',
  '充电桩故障', '太阳能漏水',
];
export const enPhrases = [
  'fridge not cooling', 'washer leaking water', 'noisy air conditioner', 'boiler will not ignite', 'range hood rattles', 'television screen stays black',
  'microwave does not heat', 'water filter replacement', 'stove burner clicks', 'oven temperature wrong', 'dishwasher drains slowly', 'robot vacuum lost',
  'weak suction', 'rice cooker trips breaker', 'compressor grinding', 'door seal worn', 'remote control dead', 'installation appointment', 'invoice reissue',
  'return request', 'spare part backorder', 'reschedule visit', 'warranty lookup', 'display flickers', 'fan stopped spinning', 'tap dripping',
  'buttons unresponsive', 'humidifier shock', 'dehumidifier frozen', 'sterilizer hinge broken', 'induction error code', 'coffee machine clogged',
  'purifier smells', 'freezer frost', 'floor heating cold', 'projector blurry', 'smart lock battery', 'speaker crackles', 'charger fault', 'solar heater leak',
];

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const types = ['inquiry', 'technical_support', 'repair', 'return_exchange', 'complaint', 'feedback', 'maintenance'];
const priorities = ['p1', 'p2', 'p3', 'p3', 'p4'];
const channels = ['email', 'web_form', 'api', 'phone', 'webhook'];
const year2025 = Date.UTC(2025, 0, 1);
const span = 330 * 86_400_000;

export interface HistoryOptions {
  tenantIndex: number;
  count: number;
  teams: string[];
  agents: { name: string; email: string }[];
}

/** `count` NDJSON lines (without newline) for one tenant: ~4 messages each, final statuses mixed like a live helpdesk. */
export function* ticketHistory(o: HistoryOptions): Generator<string> {
  const rnd = prng(7919 * (o.tenantIndex + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const customers = Math.max(1, Math.floor(o.count / 4));
  for (let i = 0; i < o.count; i++) {
    const zh = rnd() < 0.5;
    const phrase = zh ? pick(zhPhrases) : pick(enPhrases);
    const detail = zh ? `${pick(zhPhrases)}，用户希望尽快处理。型号 X${i % 97}` : `Also: ${pick(enPhrases)}. Model X${i % 97}.`;
    const created = year2025 + Math.floor(rnd() * span);
    const at = (min: number) => new Date(created + min * 60_000).toISOString();
    const agent = pick(o.agents);
    const c = Math.floor(rnd() * customers);
    const roll = rnd();
    // 30 % still open (the queue), 10 % waiting on the customer, the rest resolved or closed
    const status = roll < 0.05 ? 'new' : roll < 0.3 ? 'open' : roll < 0.4 ? 'pending' : roll < 0.8 ? 'resolved' : 'closed';
    const messages = [
      { authorType: 'customer', authorName: `客户${c}`, body: `${phrase}。${detail}`, createdAt: at(0) },
      ...(status === 'new' ? [] : [{ authorType: 'agent', authorName: agent.name, authorEmail: agent.email, body: zh ? `您好，我们已收到：${pick(zhPhrases)}` : `Hello, we received it: ${pick(enPhrases)}`, createdAt: at(20 + Math.floor(rnd() * 120)) }]),
      { authorType: 'agent', authorName: agent.name, authorEmail: agent.email, kind: 'note', body: `internal: check ${pick(enPhrases)}`, createdAt: at(200) },
      { authorType: 'customer', authorName: `客户${c}`, body: zh ? `谢谢，${pick(zhPhrases)}` : `Thanks, ${pick(enPhrases)}`, createdAt: at(300) },
    ];
    const statusChanges =
      status === 'pending' ? [{ to: 'pending', at: at(400) }] : status === 'resolved' ? [{ to: 'resolved', at: at(600) }] : status === 'closed' ? [{ to: 'resolved', at: at(600) }, { to: 'closed', at: at(3000) }] : [];
    yield JSON.stringify({
      externalId: `legacy-${o.tenantIndex}-${i}`,
      subject: phrase,
      description: detail,
      type: pick(types),
      priority: pick(priorities),
      status,
      channel: pick(channels),
      createdAt: at(0),
      customer: { name: `客户${c}`, email: `c${c}@t${o.tenantIndex}.example.cn`, phone: `139${String(o.tenantIndex).padStart(2, '0')}${String(c).padStart(6, '0')}` },
      team: pick(o.teams),
      assignee: status === 'new' ? undefined : agent.email,
      tags: rnd() < 0.3 ? ['vip'] : [],
      messages,
      statusChanges,
    });
  }
}
