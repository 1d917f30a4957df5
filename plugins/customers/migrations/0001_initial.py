from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Customer',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('name_key', fields.CharField(max_length=200)),
                ('industry', fields.CharField(null=True, max_length=100)),
                ('size', fields.CharField(null=True, max_length=20)),
                ('website', fields.CharField(null=True, max_length=255)),
                ('domain', fields.CharField(null=True, max_length=255)),
                ('phone', fields.CharField(null=True, max_length=50)),
                ('street', fields.CharField(null=True, max_length=255)),
                ('city', fields.CharField(null=True, max_length=100)),
                ('region', fields.CharField(null=True, max_length=100)),
                ('postal_code', fields.CharField(null=True, max_length=20)),
                ('country', fields.CharField(null=True, max_length=100)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('customers.Customer', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('lifecycle_stage', fields.CharField(default='PROSPECT', max_length=20)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'customers_customer', 'app': 'customers', 'indexes': [Index(fields=['tenant_id', 'name', 'id']), Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'updated_at', 'id']), Index(fields=['tenant_id', 'owner_id']), Index(fields=['tenant_id', 'domain']), Index(fields=['tenant_id', 'name_key'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Contact',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('title', fields.CharField(null=True, max_length=100)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('phone', fields.CharField(null=True, max_length=50)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'customers_contact', 'app': 'customers', 'indexes': [Index(fields=['tenant_id', 'customer_id']), Index(fields=['tenant_id', 'email']), Index(fields=['tenant_id', 'name', 'id']), Index(fields=['tenant_id', 'created_at', 'id'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CustomerMerge',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_id', fields.IntField(db_index=True)),
                ('source_id', fields.IntField()),
                ('source_name', fields.CharField(max_length=200)),
                ('source_snapshot', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('moved_contact_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('merged_by', fields.ForeignKeyField('core.User', source_field='merged_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('merged_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'customers_customer_merge', 'app': 'customers', 'pk_attr': 'id', 'table_description': 'One source customer folded into a target: what it was, who merged it, when.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CustomerTag',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('tag', fields.CharField(max_length=50)),
            ],
            options={'table': 'customers_customer_tag', 'app': 'customers', 'unique_together': (('customer', 'tag'),), 'indexes': [Index(fields=['tenant_id', 'tag'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
