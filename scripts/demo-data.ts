import type { Role } from '../src/platform/auth/roles.contract.ts';

/** The demo tenants `npm start` creates on an empty database; also used by e2e tests and benchmarks. */
export const DEMO_PASSWORD = 'demo-pass-2026';

export interface DemoTenant {
  slug: string;
  name: string;
  timeZone: string;
  defaultLocale: 'zh-CN' | 'en';
  users: { email: string; name: string; roles: Role[]; locale: 'zh-CN' | 'en' | null }[];
  teams: { name: string; description: string; members: string[] }[];
}

const people: Record<Role, [string, string]> = {
  admin: ['王建国', 'Admin'],
  manager: ['李秀英', 'Service Manager'],
  agent: ['张伟', 'Agent'],
  specialist: ['刘洋', 'Specialist'],
  field_engineer: ['陈磊', 'Field Engineer'],
  warehouse_clerk: ['杨静', 'Warehouse Clerk'],
  sales: ['赵敏', 'Sales'],
  analyst: ['黄丽', 'Analyst'],
};
const roleOrder: Role[] = ['admin', 'manager', 'agent', 'specialist', 'field_engineer', 'warehouse_clerk', 'sales', 'analyst'];
const emailName: Record<Role, string> = {
  admin: 'admin', manager: 'manager', agent: 'agent', specialist: 'specialist',
  field_engineer: 'engineer', warehouse_clerk: 'warehouse', sales: 'sales', analyst: 'analyst',
};

function usersFor(domain: string, chinese: boolean) {
  return roleOrder.map((role) => ({
    email: `${emailName[role]}@${domain}`,
    name: chinese ? people[role][0] : `${people[role][1]} (${domain.split('.')[0]})`,
    roles: [role],
    locale: null,
  }));
}

export const demoTenants: DemoTenant[] = [
  {
    slug: 'demo',
    name: '演示电器有限公司 / Demo Appliances Co.',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    users: usersFor('demo.example', true),
    teams: [
      { name: '一线客服 / L1 Support', description: 'Inquiries and complaints from all channels', members: ['agent@demo.example', 'manager@demo.example'] },
      { name: '技术支持 / L2 Technical', description: 'Escalated technical cases', members: ['specialist@demo.example'] },
      { name: '上门服务 / Field Service', description: 'On-site repair and installation', members: ['engineer@demo.example'] },
    ],
  },
  {
    slug: 'small',
    name: '小城家电维修部 / Small Town Repairs',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'en',
    users: usersFor('small.example', false),
    teams: [{ name: 'Support', description: 'Everyone who answers customers', members: ['agent@small.example', 'specialist@small.example'] }],
  },
];
