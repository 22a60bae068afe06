"""Every page's presets and lessons as records of one shape (`lessons.record.Lesson`)."""
