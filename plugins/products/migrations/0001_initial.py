from tortoise import migrations
from tortoise.migrations import operations as ops
from core.money import AmountField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_number_sequence')]

    initial = True

    operations = [
        ops.CreateModel(
            name='PriceBook',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('name_key', fields.CharField(max_length=300)),
                ('currency', fields.CharField(max_length=3)),
                ('description', fields.CharField(null=True, max_length=500)),
                ('default_for', fields.CharField(null=True, max_length=3)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'products_price_book', 'app': 'products', 'unique_together': (('tenant', 'default_for'), ('tenant', 'currency', 'name_key')), 'indexes': [Index(fields=['tenant_id', 'name', 'id']), Index(fields=['tenant_id', 'created_at', 'id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sku', fields.CharField(max_length=64)),
                ('sku_key', fields.CharField(max_length=192)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(null=True, unique=False)),
                ('unit', fields.CharField(max_length=20)),
                ('list_price', AmountField()),
                ('currency', fields.CharField(max_length=3)),
                ('active', fields.BooleanField(default=True)),
                ('tax_category', fields.CharField(null=True, max_length=50)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'products_product', 'app': 'products', 'unique_together': (('tenant', 'sku_key'),), 'indexes': [Index(fields=['tenant_id', 'name', 'id']), Index(fields=['tenant_id', 'list_price', 'id']), Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'updated_at', 'id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PriceBookEntry',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('price_book', fields.ForeignKeyField('products.PriceBook', source_field='price_book_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('products.Product', source_field='product_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('unit_price', AmountField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'products_price_book_entry', 'app': 'products', 'unique_together': (('price_book', 'product'),), 'indexes': [Index(fields=['tenant_id', 'product_id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
