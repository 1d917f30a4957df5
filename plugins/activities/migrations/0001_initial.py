from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Activity',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=10)),
                ('subject', fields.CharField(max_length=200)),
                ('body', fields.TextField(null=True, unique=False)),
                ('related_type', fields.CharField(max_length=63)),
                ('related_id', fields.IntField()),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('core.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('due_date', fields.DateField(null=True)),
                ('status', fields.CharField(default='OPEN', max_length=10)),
                ('priority', fields.CharField(default='NORMAL', max_length=10)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('duration_minutes', fields.IntField(null=True)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rule', fields.CharField(null=True, max_length=63)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'activities_activity', 'app': 'activities', 'indexes': [Index(fields=['tenant_id', 'related_type', 'related_id', 'occurred_at', 'id']), Index(fields=['tenant_id', 'owner_id', 'status', 'due_date']), Index(fields=['tenant_id', 'kind', 'due_date', 'id'])], 'pk_attr': 'id', 'table_description': 'One task, note, call or meeting about a lead, customer, contact or opportunity.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ActivitySettings',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('stale_opportunity_days', fields.IntField(default=14)),
            ],
            options={'table': 'activities_settings', 'app': 'activities', 'pk_attr': 'id', 'table_description': 'Per-tenant rule settings: days without activity before an opportunity gets a task.'},
            bases=['TenantModel'],
        ),
    ]
