-- Line refunds were derived as floor(total × refunded units ÷ units) until refunds by amount came; the money
-- refunded on a line is stored now. Existing rows get exactly what was derived, which is also what their
-- orders' refunded_fen sums up (each unit refund took the difference of that formula).
UPDATE "order_items" SET "refunded_fen" = ("total_fen" * "refunded_quantity") / "quantity" WHERE "refunded_quantity" > 0 AND "quantity" > 0;
