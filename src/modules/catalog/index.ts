/** The catalog module's public surface for other modules (orders, import, field service, assets). */
export { productsByIds, productsBySkus, createProduct, createCategory } from './catalog.service.ts';
export { products, productCategories } from './catalog.schema.ts';
export { effectiveWarranty, Product, Category } from './catalog.contract.ts';
