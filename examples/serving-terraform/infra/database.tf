# Online feature database with automated backups and a daily AWS Backup plan.
resource "aws_db_instance" "features" {
  identifier              = "fraud-features"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  storage_encrypted       = true
  multi_az                = true
  backup_retention_period = 14
  username                = "fraud"
  manage_master_user_password = true
}

resource "aws_backup_vault" "main" {
  name = "fraud-backups"
}

resource "aws_backup_plan" "daily" {
  name = "fraud-daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
    copy_action {
      destination_vault_arn = aws_backup_vault.eu.arn
    }
  }
}

resource "aws_backup_vault" "eu" {
  provider = aws.eu
  name     = "fraud-backups-eu"
}
