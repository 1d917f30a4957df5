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
            name='Contract',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(max_length=30)),
                ('title', fields.CharField(max_length=200)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('order_id', fields.IntField(null=True)),
                ('order_number', fields.CharField(null=True, max_length=50)),
                ('status', fields.CharField(default='DRAFT', max_length=12)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('value', AmountField()),
                ('currency', fields.CharField(max_length=3)),
                ('billing_frequency', fields.CharField(default='ONE_TIME', max_length=12)),
                ('payment_terms', fields.CharField(null=True, max_length=200)),
                ('auto_renew', fields.BooleanField(default=False)),
                ('predecessor', fields.OneToOneField('contracts.Contract', source_field='predecessor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('activated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('terminated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('termination_reason', fields.CharField(null=True, max_length=500)),
                ('renewal_reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'contracts_contract', 'app': 'contracts', 'unique_together': (('tenant', 'number'),), 'indexes': [Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'end_date', 'id']), Index(fields=['tenant_id', 'start_date', 'id']), Index(fields=['tenant_id', 'value', 'id']), Index(fields=['tenant_id', 'title', 'id']), Index(fields=['tenant_id', 'status', 'end_date']), Index(fields=['tenant_id', 'owner_id']), Index(fields=['tenant_id', 'customer_id']), Index(fields=['tenant_id', 'order_id'])], 'pk_attr': 'id', 'table_description': 'An agreement with a customer for a term, from draft to active to its end.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ContractSettings',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('renewal_reminder_days', fields.IntField(default=30)),
            ],
            options={'table': 'contracts_settings', 'app': 'contracts', 'pk_attr': 'id', 'table_description': 'Per-tenant contract settings: how many days before its end a contract is due for renewal.'},
            bases=['TenantModel'],
        ),
    ]
