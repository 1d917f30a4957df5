from tortoise import migrations
from tortoise.migrations import operations as ops
from core.money import AmountField
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_number_sequence'), ('core', '0003_documents')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ReportSettings',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('currency', fields.CharField(default='CNY', max_length=3)),
            ],
            options={'table': 'reports_settings', 'app': 'reports', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': 'The currency reports sum amounts in when the caller names none.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='SalesQuota',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('amount', AmountField()),
                ('currency', fields.CharField(max_length=3)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reports_sales_quota', 'app': 'reports', 'unique_together': (('tenant', 'user', 'month', 'currency'),), 'pk_attr': 'id', 'table_description': "What one salesperson should win in one month (in the report currency of the tenant)."},
            bases=['TenantModel'],
        ),
    ]
