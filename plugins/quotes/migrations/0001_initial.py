from tortoise import migrations
from tortoise.migrations import operations as ops
from core.money import AmountField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_number_sequence'), ('customers', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Quote',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(max_length=32)),
                ('revision', fields.IntField(default=1)),
                ('title', fields.CharField(max_length=200)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('opportunity_id', fields.IntField(null=True)),
                ('price_book_id', fields.IntField(null=True)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharField(default='DRAFT', max_length=20)),
                ('currency', fields.CharField(max_length=3)),
                ('valid_until', fields.DateField()),
                ('terms', fields.TextField(null=True, unique=False)),
                ('notes', fields.TextField(null=True, unique=False)),
                ('subtotal', AmountField(default=0)),
                ('discount_total', AmountField(default=0)),
                ('tax_total', AmountField(default=0)),
                ('grand_total', AmountField(default=0)),
                ('max_discount_percent', AmountField(default=0)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved_by_id', fields.IntField(null=True)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approval_comment', fields.CharField(null=True, max_length=500)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejection_reason', fields.CharField(null=True, max_length=500)),
                ('expired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('superseded_by_id', fields.IntField(null=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'quotes_quote', 'app': 'quotes', 'unique_together': (('tenant', 'number', 'revision'),), 'indexes': [Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'valid_until', 'id']), Index(fields=['tenant_id', 'status', 'valid_until']), Index(fields=['tenant_id', 'customer_id']), Index(fields=['tenant_id', 'opportunity_id']), Index(fields=['tenant_id', 'owner_id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='QuoteLine',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('quote', fields.ForeignKeyField('quotes.Quote', source_field='quote_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
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
            options={'table': 'quotes_line', 'app': 'quotes', 'indexes': [Index(fields=['quote_id', 'position'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='QuoteSettings',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('approval_threshold_percent', AmountField(default=20)),
                ('validity_days', fields.IntField(default=30)),
                ('default_terms', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'quotes_settings', 'app': 'quotes', 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
