import { sheetFields, type ColumnMapping, type SheetKind } from './data-import.contract.ts';

/**
 * Header names seen in Chinese and English exports (shop back-offices, CRMs, hand-made Excel sheets),
 * compared after normalising: full-width folded, lower case, no spaces, punctuation or parenthesised notes
 * ("手机号码（必填）" → "手机号码").
 */
const synonyms: Record<SheetKind, Record<string, string[]>> = {
  customers: {
    externalId: ['会员号', '会员编号', '会员id', '会员卡号', '客户编号', '客户id', '客户号', '客户代码', '外部编号', 'externalid', 'memberid', 'memberno', 'membernumber', 'customerid', 'customerno', 'id'],
    name: ['姓名', '名称', '客户名称', '客户姓名', '会员姓名', '联系人', 'name', 'customername', 'fullname', 'customer'],
    phone: ['手机', '手机号', '手机号码', '电话', '联系电话', '电话号码', '移动电话', 'phone', 'mobile', 'tel', 'telephone', 'phonenumber', 'mobilephone', 'cellphone'],
    email: ['邮箱', '电子邮箱', '电子邮件', '邮件', 'email', 'mail', 'emailaddress'],
    gender: ['性别', 'gender', 'sex'],
    birthday: ['生日', '出生日期', '出生年月日', 'birthday', 'birthdate', 'dateofbirth', 'dob'],
    province: ['省', '省份', '所在省', 'province', 'state'],
    city: ['市', '城市', '所在市', 'city'],
    district: ['区', '区县', '县区', '区县市', '所在区', 'district', 'county'],
    street: ['详细地址', '地址', '街道地址', '街道', '收货地址', 'street', 'address', 'streetaddress', 'addressline'],
    tags: ['标签', '客户标签', 'tags', 'tag', 'labels'],
  },
  products: {
    sku: ['sku', '商品编码', '商品sku', '货号', '编码', '物料编码', '产品编码', 'productcode', 'itemcode'],
    name: ['商品名称', '产品名称', '名称', '品名', 'name', 'productname', 'itemname'],
    nameEn: ['英文名称', '英文名', 'nameen', 'englishname'],
    model: ['型号', '规格型号', 'model'],
    brand: ['品牌', 'brand'],
    category: ['类别', '分类', '品类', '类目', '分类编码', 'category', 'categorycode'],
    warrantyMonths: ['保修期', '保修月数', '保修期月', '质保期', '三包期', 'warrantymonths', 'warranty'],
    serialTracked: ['序列号管理', '按序列号管理', '序列号', 'serialtracked', 'serial'],
    price: ['价格', '售价', '单价', '零售价', '销售价', 'price', 'unitprice', 'retailprice'],
    cost: ['成本', '成本价', '进价', 'cost', 'unitcost'],
  },
  orders: {
    orderId: ['订单号', '订单编号', '外部订单号', 'orderid', 'ordernumber', 'orderno', 'externalorderid'],
    customerId: ['会员号', '会员编号', '客户编号', '客户id', 'customerid', 'memberid', 'memberno'],
    customerPhone: ['手机', '手机号', '手机号码', '电话', '联系电话', 'phone', 'mobile', 'customerphone'],
    orderedAt: ['下单日期', '下单时间', '销售日期', '订单日期', '购买日期', '成交日期', 'orderdate', 'orderedat', 'saledate', 'purchasedate', 'date'],
    channel: ['渠道', '销售渠道', 'channel', 'saleschannel'],
    store: ['门店', '店铺', '门店名称', 'store', 'shop'],
    deliveredAt: ['送达日期', '交付日期', '发货日期', '签收日期', '安装日期', 'deliverydate', 'deliveredat'],
    sku: ['sku', '商品编码', '货号', '商品sku', '产品编码', 'productcode', 'itemcode'],
    quantity: ['数量', '购买数量', 'qty', 'quantity'],
    unitPrice: ['单价', '价格', '成交价', '成交单价', 'unitprice', 'price'],
    discount: ['折扣', '优惠', '优惠金额', '折扣金额', 'discount'],
  },
};

export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/[\s_\-./:：*#]/g, '');
}

/**
 * The mapping the editor starts from: the mapping saved for this kind where the file has those headers,
 * then the known header names. A column is used for one field only.
 */
export function suggestMapping(kind: SheetKind, headers: string[], saved: Record<string, string> = {}): ColumnMapping {
  const out: ColumnMapping = {};
  const used = new Set<number>();
  const norm = headers.map(normaliseHeader);
  for (const { field } of sheetFields[kind]) {
    const savedHeader = saved[field];
    if (savedHeader === undefined) continue;
    const i = headers.findIndex((h, n) => h === savedHeader && !used.has(n));
    if (i >= 0) {
      out[field] = i;
      used.add(i);
    }
  }
  for (const { field } of sheetFields[kind]) {
    if (out[field] !== undefined) continue;
    const names = synonyms[kind][field] ?? [];
    const i = norm.findIndex((h, n) => !used.has(n) && names.includes(h));
    if (i >= 0) {
      out[field] = i;
      used.add(i);
    }
  }
  return out;
}

/** The mapping as header texts, saved per kind for the next upload. */
export function mappingByHeader(mapping: ColumnMapping, headers: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, i] of Object.entries(mapping)) if (i !== null && headers[i] !== undefined) out[field] = headers[i];
  return out;
}
