# Asynchronous scoring requests; messages that fail 5 times go to the dead-letter queue.
resource "aws_sqs_queue" "scoring_dlq" {
  name                      = "fraud-scoring-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "scoring" {
  name = "fraud-scoring"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.scoring_dlq.arn
    maxReceiveCount     = 5
  })
}
