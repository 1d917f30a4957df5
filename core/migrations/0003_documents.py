from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_number_sequence')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DocumentTemplateOverride',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('source', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('core.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'core_document_template', 'app': 'core', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TenantBranding',
            fields=[
                ('tenant', fields.ForeignKeyField('core.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('logo', fields.TextField(null=True, unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('core.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'core_tenant_branding', 'app': 'core', 'unique_together': (('tenant',),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        # Admins of tenants created before documents existed get the new core permission;
        # later tenants get it from core.auth.roles.CORE_GRANTS. The bumped acl_version makes
        # every worker reload those tenants' policy.
        ops.RunSQL(
            [
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) "
                "SELECT 'p', 'admin', 't' || id, 'document', 'manage' FROM core_tenant",
                "UPDATE core_tenant SET acl_version = acl_version + 1",
            ],
            reverse_sql=[
                "DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'document' AND v3 = 'manage'"
            ],
        ),
    ]
