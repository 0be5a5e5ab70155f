"""Operations: Prometheus metrics of documents, OCR, the job queue and reminders."""
