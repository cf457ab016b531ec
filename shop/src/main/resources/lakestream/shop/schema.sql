-- lakestream "shop": the retail OLTP database that the CDC pipeline reads.
--
-- Every statement is idempotent (IF NOT EXISTS, COMMENT ON), so the script can be applied to a
-- database that already has the schema, e.g. on every start of the local stack.
--
-- Keys are bigint and assigned by the workload generator, not by sequences: a run is then fully
-- determined by its seed and the starting contents of the database.
--
-- All tables keep REPLICA IDENTITY DEFAULT on purpose. With it, the "before" image of an UPDATE
-- or DELETE in the WAL (and so in the CDC stream) carries only the primary key columns, and an
-- UPDATE that does not change a TOASTed column (products.description) does not carry that
-- column's value at all. The pipeline downstream must handle both; FULL would hide the problem.

CREATE SCHEMA IF NOT EXISTS shop;

CREATE TABLE IF NOT EXISTS shop.stores (
    store_id    bigint  NOT NULL,
    code        text    NOT NULL,
    name        text    NOT NULL,
    region      text    NOT NULL,
    city        text    NOT NULL,
    country     char(2) NOT NULL,
    time_zone   text    NOT NULL,
    currency    char(3) NOT NULL,
    opened_on   date,
    active      boolean NOT NULL DEFAULT true,
    CONSTRAINT stores_pkey PRIMARY KEY (store_id),
    CONSTRAINT stores_code_key UNIQUE (code),
    CONSTRAINT stores_country_iso CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT stores_currency_iso CHECK (currency ~ '^[A-Z]{3}$')
);
COMMENT ON TABLE shop.stores IS 'Physical stores; orders are booked in the store''s currency and time zone';
COMMENT ON COLUMN shop.stores.time_zone IS 'IANA time zone name, e.g. Europe/Paris';
COMMENT ON COLUMN shop.stores.currency IS 'ISO 4217 currency code of the store''s prices';

CREATE TABLE IF NOT EXISTS shop.customers (
    customer_id  bigint      NOT NULL,
    email        text        NOT NULL,
    full_name    text,
    country      char(2),
    loyalty_tier smallint,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT customers_pkey PRIMARY KEY (customer_id),
    CONSTRAINT customers_country_iso CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT customers_loyalty_tier_range CHECK (loyalty_tier BETWEEN 0 AND 3)
);
COMMENT ON TABLE shop.customers IS 'Registered customers; guest orders have no customer';
COMMENT ON COLUMN shop.customers.loyalty_tier IS '0 = basic .. 3 = platinum; NULL = not enrolled';

CREATE TABLE IF NOT EXISTS shop.products (
    product_id  bigint        NOT NULL,
    sku         text          NOT NULL,
    name        text          NOT NULL,
    category    text          NOT NULL,
    description text,
    list_price  numeric(12,2) NOT NULL,
    active      boolean       NOT NULL DEFAULT true,
    updated_at  timestamptz   NOT NULL,
    CONSTRAINT products_pkey PRIMARY KEY (product_id),
    CONSTRAINT products_sku_key UNIQUE (sku),
    CONSTRAINT products_list_price_positive CHECK (list_price >= 0)
);
COMMENT ON TABLE shop.products IS 'Catalogue; some descriptions exceed the TOAST threshold';
COMMENT ON COLUMN shop.products.list_price IS 'Reference price in USD; order lines carry the store-currency price';

CREATE TABLE IF NOT EXISTS shop.orders (
    order_id    bigint      NOT NULL,
    store_id    bigint      NOT NULL,
    customer_id bigint,
    channel     text        NOT NULL DEFAULT 'STORE',
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    note        text,
    CONSTRAINT orders_pkey PRIMARY KEY (order_id),
    CONSTRAINT orders_store_fkey FOREIGN KEY (store_id) REFERENCES shop.stores (store_id),
    CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id)
        REFERENCES shop.customers (customer_id),
    CONSTRAINT orders_status_check
        CHECK (status IN ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
    CONSTRAINT orders_channel_check CHECK (channel IN ('STORE', 'WEB', 'APP'))
);
COMMENT ON TABLE shop.orders IS 'Order headers; customer_id is NULL for guest checkout';
CREATE INDEX IF NOT EXISTS orders_store_created_idx ON shop.orders (store_id, created_at);
CREATE INDEX IF NOT EXISTS orders_customer_idx ON shop.orders (customer_id);

CREATE TABLE IF NOT EXISTS shop.order_lines (
    order_id   bigint        NOT NULL,
    line_no    int           NOT NULL,
    product_id bigint        NOT NULL,
    quantity   int           NOT NULL,
    unit_price numeric(12,2) NOT NULL,
    discount   numeric(12,2) NOT NULL DEFAULT 0,
    CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_order_fkey FOREIGN KEY (order_id)
        REFERENCES shop.orders (order_id) ON DELETE CASCADE,
    CONSTRAINT order_lines_product_fkey FOREIGN KEY (product_id)
        REFERENCES shop.products (product_id),
    CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0),
    CONSTRAINT order_lines_amounts_non_negative CHECK (unit_price >= 0 AND discount >= 0)
);
COMMENT ON TABLE shop.order_lines IS 'Order lines; unit_price and discount are in the store''s currency';
CREATE INDEX IF NOT EXISTS order_lines_product_idx ON shop.order_lines (product_id);
