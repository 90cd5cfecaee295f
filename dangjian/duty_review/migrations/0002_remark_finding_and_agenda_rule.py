"""Remarks carry their nature (problem / praise / question); a plan may require approved reports on the agenda."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('duty_review', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='remark',
            name='finding',
            field=models.CharField(blank=True, choices=[('problem', '指出问题（列入整改）'), ('praise', '肯定成绩'), ('question', '一般询问（不整改）')], help_text='只有“指出问题”的意见列入整改方案', max_length=20, verbose_name='性质'),
        ),
        migrations.AddField(
            model_name='reviewplan',
            name='require_approved_reports',
            field=models.BooleanField(default=False, help_text='不勾选时，报告未审定的述职人仍可列入议程，页面予以提示', verbose_name='述职报告审定后才能列入评议会议程'),
        ),
    ]
