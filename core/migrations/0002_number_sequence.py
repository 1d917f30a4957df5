from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NumberSequence',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=100)),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'core_number_sequence', 'app': 'core', 'unique_together': (('tenant', 'key'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
