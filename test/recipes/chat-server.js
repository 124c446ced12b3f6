import express from 'express'

const app = express()

/** An OpenAI-style stream: one JSON chunk per piece of the answer, then `data: [DONE]`. */
app.post('/api/chat', express.json(), async (req, res) => {
  const { prompt } = req.body
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  let gone = false
  res.on('close', () => (gone = true))
  // A real server passes the model's stream on; this one answers word by word.
  for (const [index, word] of `You said: ${prompt}`.split(' ').entries()) {
    if (gone)
      return
    const content = index === 0 ? word : ` ${word}`
    res.write(`data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  res.write('data: [DONE]\n\n')
  res.end()
})

app.listen(Number(process.env.PORT) || 3001)
