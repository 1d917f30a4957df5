from tortoise import migrations
from tortoise.migrations import operations as ops
from core.money import AmountField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0003_documents'), ('customers', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Order',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(max_length=32)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('source_quote_id', fields.IntField(null=True)),
                ('source_quote_number', fields.CharField(null=True, max_length=40)),
                ('opportunity_id', fields.IntField(null=True)),
                ('status', fields.CharField(default='DRAFT', max_length=20)),
                ('payment_status', fields.CharField(default='UNPAID', max_length=20)),
                ('paid_amount', AmountField(default=0)),
                ('currency', fields.CharField(max_length=3)),
                ('subtotal', AmountField(default=0)),
                ('discount_total', AmountField(default=0)),
                ('tax_total', AmountField(default=0)),
                ('grand_total', AmountField(default=0)),
                ('delivery_date', fields.DateField(null=True)),
                ('notes', fields.TextField(null=True, unique=False)),
                ('cancel_reason', fields.CharField(null=True, max_length=500)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fulfilled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('invoiced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'orders_order', 'app': 'orders', 'unique_together': (('tenant', 'number'), ('tenant', 'source_quote_id')), 'indexes': [Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'delivery_date', 'id']), Index(fields=['tenant_id', 'status']), Index(fields=['tenant_id', 'customer_id']), Index(fields=['tenant_id', 'owner_id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('orders.Order', source_field='order_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('product_id', fields.IntField()),
                ('sku', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(null=True, unique=False)),
                ('unit', fields.CharField(max_length=20)),
                ('quantity', AmountField()),
                ('unit_price', AmountField()),
                ('price_source', fields.CharField(max_length=20)),
                ('discount_percent', AmountField(default=0)),
                ('tax_percent', AmountField(default=0)),
                ('gross', AmountField()),
                ('discount', AmountField()),
                ('net', AmountField()),
                ('tax', AmountField()),
                ('total', AmountField()),
            ],
            options={'table': 'orders_line', 'app': 'orders', 'indexes': [Index(fields=['order_id', 'position'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
