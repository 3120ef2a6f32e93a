terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }
}

# Primary region: serving, training data, the feature database.
provider "aws" {
  region = "us-east-1"
}

# Second region: replicated data and the backup copy.
provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}
