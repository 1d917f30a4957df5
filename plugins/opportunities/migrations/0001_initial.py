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
            name='PipelineStage',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('position', fields.IntField()),
                ('probability', fields.IntField()),
                ('kind', fields.CharField(default='OPEN', max_length=10)),
            ],
            options={'table': 'opportunities_stage', 'app': 'opportunities', 'indexes': [Index(fields=['tenant_id', 'position'])], 'pk_attr': 'id', 'table_description': 'One column of the tenant pipeline: open stages lead to exactly one won and one lost.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Opportunity',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('customer', fields.ForeignKeyField('customers.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount', AmountField(default=0)),
                ('currency', fields.CharField(null=True, max_length=3)),
                ('expected_close_date', fields.DateField()),
                ('stage', fields.ForeignKeyField('opportunities.PipelineStage', source_field='stage_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharField(default='OPEN', max_length=10)),
                ('probability', fields.IntField()),
                ('probability_override', fields.IntField(null=True)),
                ('weighted_amount', AmountField(default=0)),
                ('forecast_category', fields.CharField(default='PIPELINE', max_length=20)),
                ('source_lead_id', fields.IntField(null=True)),
                ('next_step', fields.CharField(null=True, max_length=255)),
                ('close_reason', fields.CharField(null=True, max_length=500)),
                ('closed_date', fields.DateField(null=True)),
                ('stage_entered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'opportunities_opportunity', 'app': 'opportunities', 'indexes': [Index(fields=['tenant_id', 'name', 'id']), Index(fields=['tenant_id', 'amount', 'id']), Index(fields=['tenant_id', 'expected_close_date', 'id']), Index(fields=['tenant_id', 'created_at', 'id']), Index(fields=['tenant_id', 'stage_id', 'expected_close_date', 'id']), Index(fields=['tenant_id', 'owner_id']), Index(fields=['tenant_id', 'customer_id'])], 'pk_attr': 'id', 'table_description': 'A deal with a customer moving through the pipeline.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='OpportunityContact',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opportunity', fields.ForeignKeyField('opportunities.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('contact', fields.ForeignKeyField('customers.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'opportunities_contact', 'app': 'opportunities', 'unique_together': (('opportunity', 'contact'),), 'pk_attr': 'id', 'table_description': 'A contact of the customer involved in an opportunity.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='StageChange',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opportunity', fields.ForeignKeyField('opportunities.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('from_stage_id', fields.IntField(null=True)),
                ('from_stage_name', fields.CharField(null=True, max_length=100)),
                ('to_stage_id', fields.IntField()),
                ('to_stage_name', fields.CharField(max_length=100)),
                ('changed_by', fields.ForeignKeyField('core.User', source_field='changed_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seconds_in_previous', fields.IntField(null=True)),
            ],
            options={'table': 'opportunities_stage_change', 'app': 'opportunities', 'indexes': [Index(fields=['tenant_id', 'opportunity_id', 'changed_at'])], 'pk_attr': 'id', 'table_description': 'An opportunity entering a stage: from where, who moved it, how long it sat before.'},
            bases=['TenantModel'],
        ),
    ]
