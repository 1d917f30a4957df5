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
            name='AssignmentRule',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField()),
                ('region', fields.CharField(null=True, max_length=100)),
                ('source', fields.CharField(null=True, max_length=20)),
                ('team', fields.CharField(max_length=100)),
                ('pointer', fields.IntField(default=0)),
            ],
            options={'table': 'leads_assignment_rule', 'app': 'leads', 'indexes': [Index(fields=['tenant_id', 'position'])], 'pk_attr': 'id', 'table_description': 'Leads matching region and source (blank matches any) go round-robin to a team.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Lead',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person_name', fields.CharField(max_length=200)),
                ('company', fields.CharField(null=True, max_length=200)),
                ('title', fields.CharField(null=True, max_length=100)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('email_key', fields.CharField(null=True, max_length=254)),
                ('phone', fields.CharField(null=True, max_length=50)),
                ('phone_key', fields.CharField(null=True, max_length=50)),
                ('source', fields.CharField(default='OTHER', max_length=20)),
                ('status', fields.CharField(default='NEW', max_length=20)),
                ('score', fields.IntField(default=0)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('region', fields.CharField(null=True, max_length=100)),
                ('tags', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('tags_text', fields.TextField(default='', unique=False)),
                ('description', fields.TextField(null=True, unique=False)),
                ('disqualified_reason', fields.TextField(null=True, unique=False)),
                ('duplicate_of_type', fields.CharField(null=True, max_length=20)),
                ('duplicate_of_id', fields.IntField(null=True)),
                ('customer_id', fields.IntField(null=True)),
                ('contact_id', fields.IntField(null=True)),
                ('opportunity_id', fields.IntField(null=True)),
                ('converted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('assigned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'leads_lead', 'app': 'leads', 'indexes': [Index(fields=['tenant_id', 'person_name', 'id']), Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'score', 'id']), Index(fields=['tenant_id', 'owner_id', 'status']), Index(fields=['tenant_id', 'email_key']), Index(fields=['tenant_id', 'phone_key']), Index(fields=['tenant_id', 'status', 'last_activity_at'])], 'pk_attr': 'id', 'table_description': 'A person who may become a customer: captured, scored, routed, converted.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='LeadForm',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'leads_form', 'app': 'leads', 'pk_attr': 'id', 'table_description': 'A public web form posting leads: its key is part of the public URL.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='LeadSettings',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('claim_limit', fields.IntField(default=20)),
                ('return_after_days', fields.IntField(default=14)),
                ('scoring_customized', fields.BooleanField(default=False)),
            ],
            options={'table': 'leads_settings', 'app': 'leads', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': 'Per tenant limits of the lead pool, and whether scoring rules were customised.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ScoringRule',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField()),
                ('field', fields.CharField(max_length=20)),
                ('operator', fields.CharField(max_length=20)),
                ('value', fields.CharField(null=True, max_length=200)),
                ('points', fields.IntField()),
            ],
            options={'table': 'leads_scoring_rule', 'app': 'leads', 'indexes': [Index(fields=['tenant_id', 'position'])], 'pk_attr': 'id', 'table_description': 'One scoring rule: when the field meets the condition the lead earns the points.'},
            bases=['TenantModel'],
        ),
    ]
