from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_number_sequence'), ('core', '0003_documents'), ('customers', '0001_initial'), ('opportunities', '0001_initial')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Opportunity',
            index=Index(fields=['tenant_id', 'status', 'closed_date']),
        ),
    ]
